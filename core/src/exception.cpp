#include "kdmp/exception.hpp"

#include <algorithm>

#include "kdmp/le.hpp"

namespace kdmp {

namespace {
constexpr size_t kMaxParameters = 15;
// EXCEPTION_RECORD64: 0x98 bytes.
namespace r64 {
constexpr size_t kSize = 0x98, kCode = 0x0, kFlags = 0x4, kRecord = 0x8, kAddress = 0x10, kNumberParameters = 0x18,
                 kInformation = 0x20;
}
// EXCEPTION_RECORD32: 0x50 bytes.
namespace r32 {
constexpr size_t kSize = 0x50, kCode = 0x0, kFlags = 0x4, kRecord = 0x8, kAddress = 0xc, kNumberParameters = 0x10,
                 kInformation = 0x14;
}
}  // namespace

size_t exception_record_size(bool is64) { return is64 ? r64::kSize : r32::kSize; }

Result<ExceptionRecord> decode_exception_record(std::span<const uint8_t> b, bool is64) {
  if (b.size() < exception_record_size(is64)) {
    return make_error(ErrorCode::InvalidArgument, "an exception record needs " + hex(exception_record_size(is64)) +
                                                      " bytes, not " + hex(b.size()));
  }
  ExceptionRecord e;
  if (is64) {
    e.code = le::u32(b, r64::kCode);
    e.flags = le::u32(b, r64::kFlags);
    e.record = le::u64(b, r64::kRecord);
    e.address = le::u64(b, r64::kAddress);
    e.number_parameters = le::u32(b, r64::kNumberParameters);
    const size_t n = std::min<size_t>(e.number_parameters, kMaxParameters);
    for (size_t i = 0; i < n; ++i) e.parameters.push_back(le::u64(b, r64::kInformation + 8 * i));
  } else {
    e.code = le::u32(b, r32::kCode);
    e.flags = le::u32(b, r32::kFlags);
    e.record = le::u32(b, r32::kRecord);
    e.address = le::u32(b, r32::kAddress);
    e.number_parameters = le::u32(b, r32::kNumberParameters);
    const size_t n = std::min<size_t>(e.number_parameters, kMaxParameters);
    for (size_t i = 0; i < n; ++i) e.parameters.push_back(le::u32(b, r32::kInformation + 4 * i));
  }
  return e;
}

Result<ExceptionRecord> parse_exception(const DumpHeader& header) {
  const size_t size = exception_record_size(header.is64);
  const size_t off = header.exception_offset;
  if (!le::fits(header.raw, off, size)) {
    return make_error(ErrorCode::BadHeader, "the exception record at " + hex(off) + " does not fit in the header",
                      off);
  }
  std::span<const uint8_t> b(header.raw.data() + off, size);
  if (le::u32(b, 0) == kPageFill && le::u32(b, 4) == kPageFill && le::u32(b, 8) == kPageFill) {
    return make_error(ErrorCode::BadHeader, "the exception record at " + hex(off) + " was never written (PAGE-filled)",
                      off);
  }
  return decode_exception_record(b, header.is64);
}

const char* exception_code_name(uint32_t code) {
  switch (code) {
    case 0x80000002: return "STATUS_DATATYPE_MISALIGNMENT";
    case 0x80000003: return "STATUS_BREAKPOINT";
    case 0x80000004: return "STATUS_SINGLE_STEP";
    case 0xC0000005: return "STATUS_ACCESS_VIOLATION";
    case 0xC0000006: return "STATUS_IN_PAGE_ERROR";
    case 0xC000001D: return "STATUS_ILLEGAL_INSTRUCTION";
    case 0xC0000025: return "STATUS_NONCONTINUABLE_EXCEPTION";
    case 0xC0000026: return "STATUS_INVALID_DISPOSITION";
    case 0xC000008C: return "STATUS_ARRAY_BOUNDS_EXCEEDED";
    case 0xC000008D: return "STATUS_FLOAT_DENORMAL_OPERAND";
    case 0xC000008E: return "STATUS_FLOAT_DIVIDE_BY_ZERO";
    case 0xC000008F: return "STATUS_FLOAT_INEXACT_RESULT";
    case 0xC0000090: return "STATUS_FLOAT_INVALID_OPERATION";
    case 0xC0000091: return "STATUS_FLOAT_OVERFLOW";
    case 0xC0000092: return "STATUS_FLOAT_STACK_CHECK";
    case 0xC0000093: return "STATUS_FLOAT_UNDERFLOW";
    case 0xC0000094: return "STATUS_INTEGER_DIVIDE_BY_ZERO";
    case 0xC0000095: return "STATUS_INTEGER_OVERFLOW";
    case 0xC0000096: return "STATUS_PRIVILEGED_INSTRUCTION";
    case 0xC00000FD: return "STATUS_STACK_OVERFLOW";
    case 0xC0000409: return "STATUS_STACK_BUFFER_OVERRUN";
    case 0xC0000420: return "STATUS_ASSERTION_FAILURE";
    default: return nullptr;
  }
}

}  // namespace kdmp
