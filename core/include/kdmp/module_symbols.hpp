// Symbols for every loaded module: its PE image (from the dump when the header page is there, else from an image
// file a SymbolProvider finds by TimeDateStamp/SizeOfImage), then the PDB its CodeView record names (refused unless
// GUID and age match), else the image's exports (WinDbg's export symbols), else nothing but module+offset.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kdmp/frame_data.hpp"
#include "kdmp/kernel_offsets.hpp"
#include "kdmp/modules.hpp"
#include "kdmp/pe_image.hpp"
#include "kdmp/source.hpp"
#include "kdmp/symbolizer.hpp"
#include "kdmp/virtual_memory.hpp"
#include "kdmp/warning.hpp"

namespace kdmp {

// Where symbol files come from: the CLI searches symbol paths (and servers), the browser the files the user dropped.
class SymbolProvider {
 public:
  virtual ~SymbolProvider() = default;
  // A PDB that may belong to this CodeView identity (its file name is the last component of id.pdb_name), or
  // nullptr. The caller checks GUID and age.
  virtual std::unique_ptr<ByteSource> find_pdb(const CodeViewPdb& id) = 0;
  // An image file named `file_name` ("symdrv.sys") with this TimeDateStamp and SizeOfImage, or nullptr.
  virtual std::unique_ptr<ByteSource> find_image(std::string_view file_name, uint32_t time_date_stamp,
                                                 uint32_t size_of_image) = 0;
};

// A provider over files handed over one by one (dropped in the browser, listed in a test): each is opened once to
// learn its identity (a PDB's GUID/age, an image's TimeDateStamp/SizeOfImage) and matched by it, whatever its name.
class SymbolFileSet final : public SymbolProvider {
 public:
  enum class Kind { Pdb, Image };
  struct File {
    std::string name;
    Kind kind = Kind::Pdb;
    Guid guid;                // PDB
    uint32_t age = 0, dbi_age = 0;  // PDB
    uint32_t time_date_stamp = 0, size_of_image = 0;  // image
    bool used = false;        // handed out for a module
    std::unique_ptr<ByteSource> source;
  };
  // Adds a file; an error (and the file is not kept) when it is neither an MSF 7.0 PDB nor a PE image.
  Status add(std::string name, std::unique_ptr<ByteSource> source);
  const std::vector<File>& files() const { return files_; }

  std::unique_ptr<ByteSource> find_pdb(const CodeViewPdb& id) override;
  std::unique_ptr<ByteSource> find_image(std::string_view file_name, uint32_t time_date_stamp,
                                         uint32_t size_of_image) override;

 private:
  std::vector<File> files_;
};

// A ByteSource that reads another one it does not own.
class BorrowedSource final : public ByteSource {
 public:
  explicit BorrowedSource(ByteSource& inner) : inner_(inner) {}
  uint64_t size() const override { return inner_.size(); }
  Result<size_t> read(uint64_t offset, std::span<uint8_t> out) override { return inner_.read(offset, out); }

 private:
  ByteSource& inner_;
};

struct ModuleImage {
  bool header_present = false;     // the image's header page was readable in the dump
  bool image_from_file = false;    // the image came from an image file instead
  std::optional<PeImage> image;    // sections, exports, CodeView, .pdata, version; none when neither had it
  std::string header_error;        // why the dump's header page was not readable
  SymbolSource symbols = SymbolSource::None;
  size_t symbol_count = 0;
  // x86 images: the PDB's frame data (new and old FPO), for unwinding functions without an EBP frame.
  std::shared_ptr<const X86FrameTable> frame_data;
};

struct ModuleSymbols {
  std::vector<ModuleImage> images;  // one per module, in the modules' order
  Symbolizer symbolizer;
  // pdb-mismatch (a PDB refused: GUID/age differ), pdb-unreadable, image-file-mismatch; per module.
  std::vector<Warning> warnings;
  // The kernel's process, thread and processor offsets from its PDB's type records (pdb_types.hpp), when the
  // kernel's PDB was loaded: the first OffsetSource of the process walk.
  std::optional<OffsetMap> kernel_offsets;
};

// `vm` may be null (no virtual memory): images then come from the provider only. `provider` may be null.
ModuleSymbols load_module_symbols(VirtualMemory* vm, const std::vector<Module>& modules, SymbolProvider* provider);

// The exports of an image as a symbol table (named exports that are not forwarders).
SymbolTable export_symbols(const PeImage& image);

}  // namespace kdmp
