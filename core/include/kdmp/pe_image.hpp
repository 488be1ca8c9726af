// A PE image (a driver, the kernel, a DLL) read through an ImageReader: the headers, sections, exports, the debug
// directory (CodeView RSDS identity of the PDB; REPRO, which makes TimeDateStamp a content hash), the exception
// directory (.pdata RUNTIME_FUNCTIONs for x64 and ARM64, sorted, for symbolizers and unwinders) and the version
// resource. Two readers: an image loaded in a dump's virtual memory (base + RVA) and an image file on disk (RVA ->
// file offset through the section table), both over the same byte abstractions as dumps.
//
// Only a missing or broken header is an error. Every directory is read on its own, bounded; one that cannot be read
// (a page not in the dump, an RVA past the image, a count over a limit) is left empty and named in `missing`.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kdmp/result.hpp"
#include "kdmp/source.hpp"
#include "kdmp/virtual_memory.hpp"
#include "kdmp/warning.hpp"

namespace kdmp {

// Bytes of one image, addressed by RVA.
class ImageReader {
 public:
  virtual ~ImageReader() = default;
  // Exactly out.size() bytes at rva, or an error whose `where` is the RVA that could not be read.
  virtual Status read(uint32_t rva, std::span<uint8_t> out) = 0;
  // Up to out.size() bytes at rva, stopping before the first unreadable byte (for strings near a missing page).
  virtual size_t read_some(uint32_t rva, std::span<uint8_t> out) = 0;
};

// An image mapped at `base` in virtual memory (a module of a dump). Reads never go past base + size.
class LoadedImageReader final : public ImageReader {
 public:
  LoadedImageReader(VirtualMemory& vm, uint64_t base, uint64_t size) : vm_(vm), base_(base), size_(size) {}
  Status read(uint32_t rva, std::span<uint8_t> out) override;
  size_t read_some(uint32_t rva, std::span<uint8_t> out) override;

 private:
  VirtualMemory& vm_;
  uint64_t base_, size_;
};

struct PeSection {
  std::string name;  // up to 8 characters (".text", "PAGE", "INIT")
  uint32_t virtual_address = 0;
  uint32_t virtual_size = 0;
  uint32_t raw_offset = 0;  // PointerToRawData (file images)
  uint32_t raw_size = 0;
  uint32_t characteristics = 0;
  bool contains(uint32_t rva) const {
    const uint32_t span = virtual_size ? virtual_size : raw_size;
    return rva >= virtual_address && rva - virtual_address < span;
  }
};

// An image file on disk (a .sys/.exe/.dll from a symbol path): RVA -> file offset through the section table; bytes
// of a section past its raw data read as zeros, as the loader maps them.
class FileImageReader final : public ImageReader {
 public:
  // The headers are read here; fails when the file is not a PE image.
  static Result<FileImageReader> open(ByteSource& file);
  Status read(uint32_t rva, std::span<uint8_t> out) override;
  size_t read_some(uint32_t rva, std::span<uint8_t> out) override;

 private:
  FileImageReader(ByteSource& file) : file_(&file) {}
  ByteSource* file_;
  uint32_t size_of_headers_ = 0;
  std::vector<PeSection> sections_;
};

// A GUID as stored (Data1..Data3 little-endian, Data4 bytes).
struct Guid {
  std::array<uint8_t, 16> bytes{};
  bool operator==(const Guid&) const = default;
  std::string text() const;  // "3f2504e0-4f89-11d3-9a0c-0305e82c3301" (lowercase, no braces)
};

// The CodeView RSDS record: which PDB the image was linked with.
struct CodeViewPdb {
  Guid guid;
  uint32_t age = 0;
  std::string pdb_name;  // as the linker wrote it (often a full build path)
  // The symbol-store directory key: GUID as 32 uppercase hex digits (Data1..3 as numbers) + age in hex, e.g.
  // "3F2504E04F8911D39A0C0305E82C33011".
  std::string store_key() const;
};

struct PeExport {
  std::string name;  // empty for an export by ordinal only
  uint32_t ordinal = 0;
  uint32_t rva = 0;       // 0 for a forwarder
  std::string forwarder;  // "NTOSKRNL.KeBugCheckEx" when the export forwards
};

// One .pdata entry. x64: RUNTIME_FUNCTION {BeginAddress, EndAddress, UnwindData} as stored. ARM64: {BeginAddress,
// UnwindData}, where the length comes from the packed form (UnwindData's low two bits not 0) or from the .xdata
// header (FunctionLength); `end` is 0 when that header could not be read.
struct RuntimeFunction {
  uint32_t begin = 0;
  uint32_t end = 0;     // exclusive; 0 = unknown
  uint32_t unwind = 0;  // x64: RVA of UNWIND_INFO; ARM64: the raw second word (packed data, or the .xdata RVA)
  bool contains(uint32_t rva) const { return rva >= begin && rva < end; }
};

// The version resource's strings (first string table) and the fixed file version.
struct PeVersion {
  std::string file_version;  // the FileVersion string, or the fixed version "10.0.19041.1" when there is none
  std::string product_version;
  std::string company_name;
  std::string file_description;
  std::string product_name;
};

struct PeImage {
  uint16_t machine = 0;  // 0x8664, 0xAA64, 0x14c
  bool pe32_plus = false;
  uint32_t time_date_stamp = 0;
  uint32_t checksum = 0;
  uint32_t size_of_image = 0;
  uint32_t size_of_headers = 0;
  uint64_t image_base = 0;  // the preferred base in the optional header
  uint32_t entry_point = 0;
  std::vector<PeSection> sections;
  std::string export_name;          // the export directory's own name ("baddrv.sys")
  std::vector<PeExport> exports;    // by ordinal
  std::optional<CodeViewPdb> codeview;
  bool time_date_stamp_is_hash = false;         // an IMAGE_DEBUG_TYPE_REPRO entry: TimeDateStamp is not a date
  std::vector<RuntimeFunction> runtime_functions;  // sorted by begin
  std::optional<PeVersion> version;
  // What could not be read, each naming the directory and the RVA: pe-sections-missing, pe-exports-missing,
  // pe-debug-missing, pe-pdata-missing, pe-version-missing, and pe-*-too-large for counts over the limits.
  std::vector<Warning> missing;

  // The .pdata entry whose range holds rva (binary search), or nullptr.
  const RuntimeFunction* find_runtime_function(uint32_t rva) const;
  const PeSection* find_section(uint32_t rva) const;
};

struct PeLimits {
  size_t max_sections = 96;
  size_t max_exports = 65536;
  size_t max_runtime_functions = 1u << 20;
  size_t max_name = 512;
  uint32_t max_version_bytes = 64 * 1024;
  bool headers_only = false;  // the headers and sections, no directories (to learn an image file's identity)
};

// Reads the image behind `reader`. Fails only when the DOS/NT headers are unreadable or not a PE image.
Result<PeImage> read_pe_image(ImageReader& reader, const PeLimits& limits = {});

// The image of a module loaded at base (size: SizeOfImage from the loader entry).
Result<PeImage> read_loaded_image(VirtualMemory& vm, uint64_t base, uint64_t size, const PeLimits& limits = {});
// An image file on disk.
Result<PeImage> read_image_file(ByteSource& file, const PeLimits& limits = {});

// The symbol-store directory key of an image file: TimeDateStamp as 8 uppercase hex digits + SizeOfImage in hex
// ("61E8A0B310000").
std::string image_store_key(uint32_t time_date_stamp, uint32_t size_of_image);

}  // namespace kdmp
