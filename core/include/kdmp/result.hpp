// Errors are values: every fallible operation returns Result<T>, which carries either the value or an Error that
// says what went wrong and where (a file offset, a physical or a virtual address, depending on the code).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace kdmp {

enum class ErrorCode {
  Io,                    // the byte source failed
  FileTooSmall,          // shorter than the structure we need
  NotADump,              // no PAGE signature
  UserModeMinidump,      // MDMP: a user-mode minidump, not a kernel dump
  UnknownDumpType,       // DumpType value not known
  UnsupportedDumpType,   // known but not readable (old kernel dump, type 2)
  BadHeader,             // a header field fails a sanity check
  BadRunList,            // DumpType 1 run list is invalid
  BadBitmap,             // DumpType 5/6 summary header or bitmap is invalid
  BadRdmp,               // DumpType 8/9/0xA header or ranges are invalid
  BadTriage,             // DumpType 4 triage header is invalid
  PageNotInDump,         // a physical page is not stored in the dump
  FileEndsEarly,         // a stored page lies past the end of a truncated file
  PageTablePageMissing,  // a page-table page needed for translation is not in the dump
  NotPresent,            // a page-table entry is not present (no translation)
  Unsupported,           // operation not available for this dump (e.g. no physical memory in a triage dump)
  InvalidArgument,
};

const char* error_code_name(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;
  uint64_t where = 0;  // file offset, or the address the message names
  // Translation errors only: the size of the naturally aligned virtual region around `where` that is unmapped for
  // the same reason (a not-present PDE rules out 2 MiB), so a scan can skip it whole; 0 when not known.
  uint64_t span = 0;
};

struct Ok {};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> v_;
};

using Status = Result<Ok>;

inline Error make_error(ErrorCode code, std::string message, uint64_t where = 0) {
  return Error{code, std::move(message), where};
}

// "0x" + lowercase hex, the one spelling of addresses throughout kdmpview.
std::string hex(uint64_t value);

}  // namespace kdmp

// Propagate an error from an expression returning Result<...>.
#define KDMP_TRY(var, expr)                  \
  auto var##_result = (expr);                \
  if (!var##_result.ok()) return var##_result.error(); \
  auto& var = var##_result.value()
