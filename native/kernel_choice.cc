#include "kernel_choice.h"

#include <cstdlib>
#include <cstring>

namespace loom {

namespace {
constexpr KernelKind kWidestFirst[] = {KernelKind::Avx512, KernelKind::Avx2, KernelKind::Portable};
}  // namespace

const char* KernelChoice::name_of(KernelKind k) const {
  switch (k) {
    case KernelKind::Avx512: return names_.avx512;
    case KernelKind::Avx2: return names_.avx2;
    default: return names_.portable;
  }
}

bool KernelChoice::parse(const char* name, KernelKind* out) const {
  for (KernelKind k : kWidestFirst) {
    if (std::strcmp(name, name_of(k)) == 0) {
      *out = k;
      return true;
    }
  }
  return false;
}

KernelKind KernelChoice::detect() const {
  const char* force = std::getenv("LOOM_NATIVE_KERNEL");
  KernelKind forced;
  if (force != nullptr && avx2_alias_ != nullptr && std::strcmp(force, avx2_alias_) == 0 && supported_(KernelKind::Avx2))
    return KernelKind::Avx2;
  if (force != nullptr && parse(force, &forced) && supported_(forced)) return forced;
  for (KernelKind k : kWidestFirst)
    if (supported_(k)) return k;
  return KernelKind::Portable;
}

KernelKind KernelChoice::kind() {
  int k = kind_.load(std::memory_order_relaxed);
  if (k < 0) {
    k = static_cast<int>(detect());
    kind_.store(k, std::memory_order_relaxed);
  }
  return static_cast<KernelKind>(k);
}

bool KernelChoice::set(const char* name) {
  KernelKind k;
  if (!parse(name, &k) || !supported_(k)) return false;
  kind_.store(static_cast<int>(k), std::memory_order_relaxed);
  return true;
}

int KernelChoice::available(const char** names, int max) const {
  int count = 0;
  for (KernelKind k : kWidestFirst)
    if (supported_(k) && count < max) names[count++] = name_of(k);
  return count;
}

}  // namespace loom
