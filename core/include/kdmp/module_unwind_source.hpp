// UnwindSource over the modules' PE images as the symbols step read them (module_symbols.hpp, pe_image.hpp): the
// .pdata table of each image, and the image's bytes for UNWIND_INFO / .xdata, read where the image came from: the
// dump's virtual memory, or the image file a SymbolProvider found on the symbol path (a triage dump holds no code).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "kdmp/module_symbols.hpp"
#include "kdmp/modules.hpp"
#include "kdmp/pe_image.hpp"
#include "kdmp/unwind_source.hpp"
#include "kdmp/virtual_memory.hpp"

namespace kdmp {

class ModuleUnwindSource final : public UnwindSource {
 public:
  // modules sorted by base, symbols.images in the same order; vm and provider may be null.
  ModuleUnwindSource(VirtualMemory* vm, const std::vector<Module>& modules, const ModuleSymbols& symbols,
                     SymbolProvider* provider)
      : vm_(vm), modules_(modules), symbols_(symbols), provider_(provider) {}

  std::optional<UnwindEntry> find_function(uint64_t pc) override;
  bool has_unwind_data(uint64_t pc) override;
  Status read_image(uint64_t image_base, uint64_t rva, std::span<uint8_t> out) override;
  std::pair<const X86FrameTable*, const X86FrameData*> find_x86_frame(uint64_t pc) override;

 private:
  // The module holding pc and its image, or {nullptr, nullptr}.
  std::pair<const Module*, const PeImage*> image_at(uint64_t pc) const;
  ImageReader* reader_for(const Module& m, const ModuleImage& image);

  struct FileReader {
    std::unique_ptr<ByteSource> file;
    std::optional<FileImageReader> reader;
  };
  VirtualMemory* vm_;
  const std::vector<Module>& modules_;
  const ModuleSymbols& symbols_;
  SymbolProvider* provider_;
  std::map<uint64_t, std::unique_ptr<FileReader>> files_;  // by module base, opened on first use
};

}  // namespace kdmp
