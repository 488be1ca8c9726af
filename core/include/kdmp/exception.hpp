// The EXCEPTION_RECORD64 (64-bit dumps) or EXCEPTION_RECORD32 (32-bit dumps) stored in the header, or one read from
// memory (the record a bug check such as 0x1000007E names in a parameter).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "kdmp/header.hpp"
#include "kdmp/result.hpp"

namespace kdmp {

struct ExceptionRecord {
  uint32_t code = 0;
  uint32_t flags = 0;
  uint64_t record = 0;   // address of a chained record
  uint64_t address = 0;  // where the exception happened
  uint32_t number_parameters = 0;      // as stored
  std::vector<uint64_t> parameters;    // min(number_parameters, 15)
};

// An all-"PAGE" record (never written) is an error naming the offset.
Result<ExceptionRecord> parse_exception(const DumpHeader& header);

// EXCEPTION_RECORD64 is 0x98 bytes, EXCEPTION_RECORD32 0x50.
size_t exception_record_size(bool is64);
// Decodes a record from bytes (at least exception_record_size(is64) of them; fewer is an error).
Result<ExceptionRecord> decode_exception_record(std::span<const uint8_t> bytes, bool is64);

// "STATUS_ACCESS_VIOLATION" for the common NTSTATUS exception codes, nullptr otherwise.
const char* exception_code_name(uint32_t code);

}  // namespace kdmp
