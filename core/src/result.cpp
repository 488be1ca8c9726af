#include "kdmp/result.hpp"

namespace kdmp {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::Io: return "io";
    case ErrorCode::FileTooSmall: return "file-too-small";
    case ErrorCode::NotADump: return "not-a-dump";
    case ErrorCode::UserModeMinidump: return "user-mode-minidump";
    case ErrorCode::UnknownDumpType: return "unknown-dump-type";
    case ErrorCode::UnsupportedDumpType: return "unsupported-dump-type";
    case ErrorCode::BadHeader: return "bad-header";
    case ErrorCode::BadRunList: return "bad-run-list";
    case ErrorCode::BadBitmap: return "bad-bitmap";
    case ErrorCode::BadRdmp: return "bad-rdmp";
    case ErrorCode::BadTriage: return "bad-triage";
    case ErrorCode::PageNotInDump: return "page-not-in-dump";
    case ErrorCode::FileEndsEarly: return "file-ends-early";
    case ErrorCode::PageTablePageMissing: return "page-table-page-missing";
    case ErrorCode::NotPresent: return "not-present";
    case ErrorCode::Unsupported: return "unsupported";
    case ErrorCode::InvalidArgument: return "invalid-argument";
  }
  return "unknown";
}

std::string hex(uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char buf[19];
  int pos = 18;
  buf[pos] = '\0';
  do {
    buf[--pos] = kDigits[value & 0xf];
    value >>= 4;
  } while (value != 0);
  buf[--pos] = 'x';
  buf[--pos] = '0';
  return std::string(buf + pos);
}

}  // namespace kdmp
