// Decoding an encoded KDBG without symbols.
//
// Windows keeps KdDebuggerDataBlock encoded until a debugger attaches (KdpDataBlockEncoded). Each 8-byte word C of
// the block is stored so that the plaintext is
//     P = KiWaitAlways ^ bswap64(&KdpDataBlockEncoded ^ rol64(C ^ KiWaitNever, KiWaitNever & 63)).
// rol64 and bswap64 are linear over xor, so with n = KiWaitNever & 63 this is
//     P = bswap64(rol64(C, n)) ^ K,   K = KiWaitAlways ^ bswap64(&KdpDataBlockEncoded ^ rol64(KiWaitNever, n)),
// one rotation and one 64-bit key for the whole block. Windows decodes the block before it writes a crash dump, but
// some other writers (DumpIt, live-capture tools) store it encoded. The dump header names two of the block's words
// (PsLoadedModuleList at +0x48, PsActiveProcessHead at +0x50) and the block's tag ('KDBG' in the low half of +0x10)
// is known, so: for each rotation, K follows from one word, and only a (rotation, K) that decodes every other known
// word is accepted. 64-bit kernels only: 32-bit kernels do not encode the block. Volatility 2's
// plugins/overlays/windows/win8_kdbg.py applies its decoder only where memory_model is "64bit" ("specific for
// Windows 8 / 2012 64-bit versions because the KDBG block is encoded"), and the kernel routines that encode and
// decode it (KdEncodeDataBlock, KdCopyDataBlock) work on 8-byte words with 64-bit rotations. A 32-bit block
// without its tag is damaged, not encoded; the processors then come from the KPCR scan (pcr_scan.hpp).
#pragma once
#include <cstdint>
#include <optional>
#include <span>

#include "kdmp/kdbg.hpp"

namespace kdmp {

struct KdbgEncoding {
  unsigned rotation = 0;  // 0..63
  uint64_t key = 0;
};

// The plaintext of one stored word.
uint64_t decode_kdbg_word(uint64_t stored, const KdbgEncoding& encoding);
// The stored form of one plaintext word (the inverse; fixtures use it to write encoded blocks).
uint64_t encode_kdbg_word(uint64_t plain, const KdbgEncoding& encoding);

// The one encoding under which the stored block (at least 0x58 bytes) decodes to the known words: the tag, a
// plausible Size, PsLoadedModuleList, PsActiveProcessHead and, when known, KernBase. nullopt when no rotation fits,
// or when more than one does (ambiguous: nothing is guessed).
std::optional<KdbgEncoding> solve_kdbg_encoding(std::span<const uint8_t> stored, const KdbgPlaintext& known);

// Decodes every whole 8-byte word of `bytes` in place.
void decode_kdbg(std::span<uint8_t> bytes, const KdbgEncoding& encoding);

}  // namespace kdmp
