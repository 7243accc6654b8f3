{
  "variables": {
    "loom_sanitize%": "0"
  },
  "targets": [
    {
      "target_name": "loom_native",
      "sources": ["binding.cc", "napi_args.cc", "gemm.cc", "conv.cc", "conv_direct.cc", "conv_direct_input.cc", "conv_binding.cc", "optim.cc", "optim_binding.cc", "pool.cc", "pool_binding.cc", "elementwise.cc", "elementwise_binding.cc", "gather.cc", "gather_binding.cc", "robust_order.cc", "robust_distances.cc", "weiszfeld.cc", "row_average.cc", "robust_binding.cc", "peak.cc", "peak_binding.cc", "norm.cc", "norm_binding.cc", "half.cc", "half_binding.cc", "checksum.cc", "checksum_binding.cc", "kernel_choice.cc"],
      "cflags!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-O2", "-O0"],
      "cflags": ["-O3", "-ffp-contract=off", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "GCC_OPTIMIZATION_LEVEL": "3",
        "OTHER_CPLUSPLUSFLAGS": ["-std=c++17"]
      },
      "conditions": [
        ["loom_sanitize==1", {
          "cflags": ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-fno-sanitize-recover=undefined", "-g"],
          "ldflags": ["-fsanitize=address,undefined"]
        }]
      ]
    }
  ]
}
