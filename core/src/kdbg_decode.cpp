#include "kdmp/kdbg_decode.hpp"

#include "kdmp/le.hpp"

namespace kdmp {

namespace {

using namespace kdbg_offsets;

uint64_t rol64(uint64_t v, unsigned r) { return r == 0 ? v : (v << r) | (v >> (64 - r)); }
uint64_t ror64(uint64_t v, unsigned r) { return r == 0 ? v : (v >> r) | (v << (64 - r)); }

uint64_t bswap64(uint64_t v) {
  uint64_t out = 0;
  for (int i = 0; i < 8; ++i) out = (out << 8) | ((v >> (8 * i)) & 0xff);
  return out;
}

// Real blocks are 0x290 (XP) to under 0x400 bytes; this only rejects rotations whose Size is nonsense.
constexpr uint32_t kMinPlausibleSize = kPsActiveProcessHead + 8, kMaxPlausibleSize = 0x1000;

}  // namespace

uint64_t decode_kdbg_word(uint64_t stored, const KdbgEncoding& e) { return bswap64(rol64(stored, e.rotation)) ^ e.key; }

uint64_t encode_kdbg_word(uint64_t plain, const KdbgEncoding& e) { return ror64(bswap64(plain ^ e.key), e.rotation); }

std::optional<KdbgEncoding> solve_kdbg_encoding(std::span<const uint8_t> stored, const KdbgPlaintext& known) {
  if (!le::fits(stored, kPsActiveProcessHead, 8) || known.ps_loaded_module_list == 0 ||
      known.ps_active_process_head == 0) {
    return std::nullopt;
  }
  const uint64_t c_modules = le::u64(stored, kPsLoadedModuleList);
  const uint64_t c_processes = le::u64(stored, kPsActiveProcessHead);
  const uint64_t c_tag = le::u64(stored, kOwnerTag);
  const uint64_t c_kern_base = le::u64(stored, kKernBase);
  std::optional<KdbgEncoding> found;
  for (unsigned r = 0; r < 64; ++r) {
    KdbgEncoding e{r, bswap64(rol64(c_modules, r)) ^ known.ps_loaded_module_list};
    if (decode_kdbg_word(c_processes, e) != known.ps_active_process_head) continue;
    const uint64_t tag_and_size = decode_kdbg_word(c_tag, e);
    const uint32_t size = static_cast<uint32_t>(tag_and_size >> 32);
    if (static_cast<uint32_t>(tag_and_size) != kKdbgOwnerTag || size < kMinPlausibleSize ||
        size > kMaxPlausibleSize) {
      continue;
    }
    if (known.kern_base != 0 && decode_kdbg_word(c_kern_base, e) != known.kern_base) continue;
    if (found) return std::nullopt;  // two rotations fit: refuse to guess
    found = e;
  }
  return found;
}

void decode_kdbg(std::span<uint8_t> bytes, const KdbgEncoding& encoding) {
  for (size_t off = 0; off + 8 <= bytes.size(); off += 8) {
    le::put64(bytes, off, decode_kdbg_word(le::u64(bytes, off), encoding));
  }
}

}  // namespace kdmp
