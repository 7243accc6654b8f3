// The choice among a kernel family's three code paths (AVX-512, AVX2, portable), shared by the GEMM
// (gemm.cc) and the 16-bit floats (half.cc). Each family brings its own names for the paths and its
// own CPU feature check; the path in use is picked on first use (the widest the CPU supports, unless
// LOOM_NATIVE_KERNEL names a supported one) and can be changed by name for later calls (all threads).
#ifndef LOOM_NATIVE_KERNEL_CHOICE_H_
#define LOOM_NATIVE_KERNEL_CHOICE_H_

#include <atomic>

namespace loom {

enum class KernelKind : int { Portable, Avx2, Avx512 };

class KernelChoice {
 public:
  // The family's names of its paths, as LOOM_NATIVE_KERNEL, set() and the bindings spell them.
  struct Names {
    const char* avx512;
    const char* avx2;
    const char* portable;
  };
  // Whether this CPU (and this build) runs path k.
  using Supported = bool (*)(KernelKind k);

  // `avx2_alias`: one more LOOM_NATIVE_KERNEL value that picks the AVX2 path where it is
  // supported (the GEMM's name for a family that names its own differently), or nullptr.
  constexpr KernelChoice(Names names, Supported supported, const char* avx2_alias = nullptr)
      : names_(names), supported_(supported), avx2_alias_(avx2_alias) {}
  KernelChoice(const KernelChoice&) = delete;
  KernelChoice& operator=(const KernelChoice&) = delete;

  // The path in use, detected on the first call.
  KernelKind kind();
  const char* name() { return name_of(kind()); }
  const char* name_of(KernelKind k) const;
  // Selects the path called `name` for later calls; false when unknown or unsupported.
  bool set(const char* name);
  // Writes the names of the supported paths (widest first) and returns how many.
  int available(const char** names, int max) const;

 private:
  bool parse(const char* name, KernelKind* out) const;
  KernelKind detect() const;

  const Names names_;
  const Supported supported_;
  const char* const avx2_alias_;
  std::atomic<int> kind_{-1};
};

}  // namespace loom

#endif  // LOOM_NATIVE_KERNEL_CHOICE_H_
