// LOOM_TARGET_CLONES: compile a plain C++ loop once per instruction set (AVX-512F, AVX2, baseline)
// and let the loader pick the widest the CPU has (a GNU ifunc). The binary itself stays baseline
// x86-64. Elsewhere (other architectures, other toolchains, -DLOOM_PORTABLE_ONLY) it is a no-op.
#pragma once

#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && !defined(LOOM_PORTABLE_ONLY)
#define LOOM_TARGET_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define LOOM_TARGET_CLONES
#endif
