#include "kdmp/module_symbols.hpp"

#include <algorithm>

#include "kdmp/pdb.hpp"
#include "kdmp/pdb_types.hpp"

namespace kdmp {

namespace {

std::vector<std::pair<uint32_t, uint32_t>> section_ends(const std::vector<PeSection>& sections) {
  std::vector<std::pair<uint32_t, uint32_t>> ends;
  for (const PeSection& s : sections) {
    ends.emplace_back(s.virtual_address, s.virtual_address + std::max(s.virtual_size, s.raw_size));
  }
  std::sort(ends.begin(), ends.end());
  return ends;
}

// The file name of a path written with either separator ("C:\build\drv.pdb", "/tmp/drv.pdb").
std::string pdb_file_name(std::string_view path) {
  const auto slash = path.find_last_of("\\/");
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace

// ---- SymbolFileSet ----

Status SymbolFileSet::add(std::string name, std::unique_ptr<ByteSource> source) {
  File f;
  f.name = std::move(name);
  std::array<uint8_t, 32> magic{};
  auto got = source->read(0, magic);
  if (!got.ok()) return got.error();
  if (*got == magic.size() && is_pdb(magic)) {
    auto pdb = Pdb::open(std::make_unique<BorrowedSource>(*source));
    if (!pdb.ok()) return pdb.error();
    f.kind = Kind::Pdb;
    f.guid = pdb->guid();
    f.age = pdb->age();
    f.dbi_age = pdb->dbi_age();
  } else {
    auto reader = FileImageReader::open(*source);
    if (!reader.ok()) {
      return make_error(ErrorCode::InvalidArgument, f.name + " is neither a PDB nor a PE image (" +
                                                        reader.error().message + ")");
    }
    PeLimits headers_only;
    headers_only.headers_only = true;
    auto image = read_pe_image(*reader, headers_only);
    if (!image.ok()) return image.error();
    f.kind = Kind::Image;
    f.time_date_stamp = image->time_date_stamp;
    f.size_of_image = image->size_of_image;
  }
  f.source = std::move(source);
  files_.push_back(std::move(f));
  return Ok{};
}

std::unique_ptr<ByteSource> SymbolFileSet::find_pdb(const CodeViewPdb& id) {
  for (File& f : files_) {
    if (f.kind == Kind::Pdb && f.guid == id.guid && (f.dbi_age == id.age || f.age == id.age)) {
      f.used = true;
      return std::make_unique<BorrowedSource>(*f.source);
    }
  }
  return nullptr;
}

std::unique_ptr<ByteSource> SymbolFileSet::find_image(std::string_view, uint32_t time_date_stamp,
                                                      uint32_t size_of_image) {
  for (File& f : files_) {
    if (f.kind == Kind::Image && f.time_date_stamp == time_date_stamp && f.size_of_image == size_of_image) {
      f.used = true;
      return std::make_unique<BorrowedSource>(*f.source);
    }
  }
  return nullptr;
}

// ---- Loading ----

SymbolTable export_symbols(const PeImage& image) {
  SymbolTable table;
  for (const PeExport& e : image.exports) {
    if (!e.name.empty() && e.forwarder.empty() && e.rva < image.size_of_image) table.add(e.rva, 0, e.name);
  }
  table.finish(section_ends(image.sections));
  return table;
}

ModuleSymbols load_module_symbols(VirtualMemory* vm, const std::vector<Module>& modules, SymbolProvider* provider) {
  ModuleSymbols out;
  out.images.resize(modules.size());
  for (size_t i = 0; i < modules.size(); ++i) {
    const Module& m = modules[i];
    ModuleImage& mi = out.images[i];
    if (vm && m.size > 0) {
      auto image = read_loaded_image(*vm, m.base, m.size);
      if (image.ok()) {
        mi.header_present = true;
        mi.image = std::move(image).value();
      } else {
        mi.header_error = image.error().message;
      }
    }
    if (!mi.image && provider) {
      if (auto file = provider->find_image(m.name, m.timestamp, static_cast<uint32_t>(m.size))) {
        auto image = read_image_file(*file);
        if (image.ok() && image->time_date_stamp == m.timestamp && image->size_of_image == m.size) {
          mi.image_from_file = true;
          mi.image = std::move(image).value();
        } else {
          out.warnings.push_back({"image-file-mismatch",
                                  m.name + ": the image file found is not the loaded one (" +
                                      (image.ok() ? "TimeDateStamp " + hex(image->time_date_stamp) +
                                                        ", SizeOfImage " + hex(image->size_of_image) + "; wanted " +
                                                        hex(m.timestamp) + ", " + hex(m.size)
                                                  : image.error().message) +
                                      ")"});
        }
      }
    }

    SymbolTable table;
    if (mi.image && mi.image->codeview && provider) {
      const CodeViewPdb& cv = *mi.image->codeview;
      if (auto file = provider->find_pdb(cv)) {
        auto pdb = Pdb::open(std::move(file));
        if (!pdb.ok()) {
          out.warnings.push_back({"pdb-unreadable", m.name + ": " + pdb_file_name(cv.pdb_name) + ": " +
                                                        pdb.error().message});
        } else if (auto match = pdb->matches(cv); !match.ok()) {
          out.warnings.push_back({"pdb-mismatch", m.name + ": " + pdb_file_name(cv.pdb_name) + " refused: " +
                                                      match.error().message});
        } else {
          std::vector<Warning> w;
          auto indexed = pdb->index_symbols(&w);
          for (Warning& x : w) out.warnings.push_back({x.code, m.name + ": " + x.message});
          if (indexed.ok()) {
            table = std::move(indexed).value();
            mi.symbols = SymbolSource::Pdb;
          }
          if (!out.kernel_offsets && module_symbol_name(m.name) == "nt") {
            std::vector<Warning> tw;
            auto types = kernel_offsets_from_pdb(*pdb, pdb_file_name(cv.pdb_name), &tw);
            if (types.ok()) {
              out.kernel_offsets = std::move(types).value();
            } else {
              tw.push_back({"pdb-types-unreadable", types.error().message});
            }
            for (Warning& x : tw) out.warnings.push_back({x.code, m.name + ": " + x.message});
          }
          if (mi.image->machine == 0x14c) {
            std::vector<Warning> fw;
            auto frames = std::make_shared<X86FrameTable>(read_x86_frame_table(*pdb, &fw));
            for (Warning& x : fw) out.warnings.push_back({x.code, m.name + ": " + x.message});
            if (frames->size() > 0) mi.frame_data = std::move(frames);
          }
        }
      }
    }
    if (mi.symbols == SymbolSource::None && mi.image && !mi.image->exports.empty()) {
      table = export_symbols(*mi.image);
      if (table.size() > 0) mi.symbols = SymbolSource::Exports;
    }
    mi.symbol_count = table.size();
    out.symbolizer.add(m, mi.symbols, std::move(table));
  }
  return out;
}

}  // namespace kdmp
