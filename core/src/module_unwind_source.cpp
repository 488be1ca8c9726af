#include "kdmp/module_unwind_source.hpp"

namespace kdmp {

std::pair<const Module*, const PeImage*> ModuleUnwindSource::image_at(uint64_t pc) const {
  const Module* m = find_module(modules_, pc);
  if (m == nullptr) return {nullptr, nullptr};
  const size_t index = static_cast<size_t>(m - modules_.data());
  if (index >= symbols_.images.size() || !symbols_.images[index].image) return {m, nullptr};
  return {m, &*symbols_.images[index].image};
}

bool ModuleUnwindSource::has_unwind_data(uint64_t pc) {
  const auto [m, image] = image_at(pc);
  return image != nullptr && !image->runtime_functions.empty();
}

std::optional<UnwindEntry> ModuleUnwindSource::find_function(uint64_t pc) {
  const auto [m, image] = image_at(pc);
  if (image == nullptr || (image->machine != 0x8664 && image->machine != 0xAA64)) return std::nullopt;
  const uint64_t rva = pc - m->base;
  if (rva > 0xffffffffull) return std::nullopt;
  const RuntimeFunction* f = image->find_runtime_function(static_cast<uint32_t>(rva));
  if (f == nullptr) return std::nullopt;
  UnwindEntry e;
  e.image_base = m->base;
  e.begin_rva = f->begin;
  e.end_rva = f->end;
  e.unwind_data = f->unwind;
  e.machine = image->machine;
  return e;
}

std::pair<const X86FrameTable*, const X86FrameData*> ModuleUnwindSource::find_x86_frame(uint64_t pc) {
  const Module* m = find_module(modules_, pc);
  if (m == nullptr) return {nullptr, nullptr};
  const size_t index = static_cast<size_t>(m - modules_.data());
  if (index >= symbols_.images.size() || !symbols_.images[index].frame_data) return {nullptr, nullptr};
  const X86FrameTable& table = *symbols_.images[index].frame_data;
  const uint64_t rva = pc - m->base;
  if (rva > 0xffffffffull) return {nullptr, nullptr};
  const X86FrameData* f = table.find(static_cast<uint32_t>(rva));
  return f ? std::pair{&table, f} : std::pair<const X86FrameTable*, const X86FrameData*>{nullptr, nullptr};
}

ImageReader* ModuleUnwindSource::reader_for(const Module& m, const ModuleImage& image) {
  auto it = files_.find(m.base);
  if (it == files_.end()) {
    auto entry = std::make_unique<FileReader>();
    if (provider_ != nullptr && image.image) {
      entry->file = provider_->find_image(m.name, image.image->time_date_stamp, image.image->size_of_image);
      if (entry->file) {
        auto reader = FileImageReader::open(*entry->file);
        if (reader.ok()) entry->reader.emplace(std::move(reader).value());
      }
    }
    it = files_.emplace(m.base, std::move(entry)).first;
  }
  return it->second->reader ? &*it->second->reader : nullptr;
}

Status ModuleUnwindSource::read_image(uint64_t image_base, uint64_t rva, std::span<uint8_t> out) {
  const Module* m = find_module(modules_, image_base);
  if (m == nullptr || m->base != image_base || rva > 0xffffffffull) {
    return make_error(ErrorCode::InvalidArgument, "no module is loaded at " + hex(image_base), image_base);
  }
  const size_t index = static_cast<size_t>(m - modules_.data());
  if (index < symbols_.images.size() && symbols_.images[index].image_from_file) {
    ImageReader* reader = reader_for(*m, symbols_.images[index]);
    if (reader == nullptr) return make_error(ErrorCode::Unsupported, "the image file of " + m->name + " is gone");
    return reader->read(static_cast<uint32_t>(rva), out);
  }
  if (vm_ == nullptr) return make_error(ErrorCode::Unsupported, "no virtual memory to read " + m->name + " from");
  return vm_->read_virtual_exact(Gva(image_base + rva), out);
}

}  // namespace kdmp
