#include "kdmp/pe_unwind_source.hpp"

#include <array>

#include "kdmp/le.hpp"

namespace kdmp {

namespace {

// PE offsets (Microsoft PE/COFF specification): e_lfanew at 0x3c; from the "PE\0\0" signature: Machine +4,
// NumberOfSections +6, TimeDateStamp +8, SizeOfOptionalHeader +0x14, the optional header at +0x18.
constexpr size_t kLfanew = 0x3c, kMachine = 4, kSections = 6, kTimeDateStamp = 8, kOptionalSize = 0x14,
                 kOptional = 0x18;
// Optional header: Magic 0x10b (PE32) or 0x20b (PE32+); SizeOfImage +0x38, SizeOfHeaders +0x3c;
// NumberOfRvaAndSizes and the data directories at +0x5c/+0x60 (PE32) or +0x6c/+0x70 (PE32+).
constexpr size_t kSizeOfImage = 0x38, kSizeOfHeaders = 0x3c;
constexpr unsigned kExceptionDirectory = 3;
constexpr size_t kSectionHeader = 40;
constexpr uint32_t kMaxHeaderBytes = 0x1000;
constexpr uint32_t kMaxSections = 96;  // the PE loader's limit

struct Headers {
  uint32_t machine = 0, time_date_stamp = 0, size_of_image = 0, size_of_headers = 0;
  uint32_t pdata_rva = 0, pdata_size = 0;
  size_t section_table = 0;
  uint32_t section_count = 0;
};

// Parses the headers in the first page of an image (mapped or file: the headers are the same bytes).
std::optional<Headers> parse_headers(std::span<const uint8_t> page) {
  if (le::u16(page, 0) != 0x5a4d) return std::nullopt;  // "MZ"
  const uint32_t pe = le::u32(page, kLfanew);
  if (pe > kMaxHeaderBytes - kOptional || le::u32(page, pe) != 0x00004550) return std::nullopt;  // "PE\0\0"
  Headers h;
  h.machine = le::u16(page, pe + kMachine);
  h.section_count = le::u16(page, pe + kSections);
  h.time_date_stamp = le::u32(page, pe + kTimeDateStamp);
  const size_t optional = pe + kOptional;
  const uint16_t magic = le::u16(page, optional);
  if (magic != 0x10b && magic != 0x20b) return std::nullopt;
  h.size_of_image = le::u32(page, optional + kSizeOfImage);
  h.size_of_headers = le::u32(page, optional + kSizeOfHeaders);
  const size_t count_at = optional + (magic == 0x20b ? 0x6c : 0x5c);
  const size_t dirs = optional + (magic == 0x20b ? 0x70 : 0x60);
  if (le::u32(page, count_at) > kExceptionDirectory) {
    h.pdata_rva = le::u32(page, dirs + 8 * kExceptionDirectory);
    h.pdata_size = le::u32(page, dirs + 8 * kExceptionDirectory + 4);
  }
  h.section_table = optional + le::u16(page, pe + kOptionalSize);
  if (h.section_count > kMaxSections) return std::nullopt;
  return h;
}

}  // namespace

Result<PeFileImage> PeFileImage::open(std::shared_ptr<ByteSource> file) {
  std::vector<uint8_t> page(std::min<uint64_t>(kMaxHeaderBytes, file->size()));
  auto n = file->read(0, page);
  if (!n.ok()) return n.error();
  page.resize(*n);
  auto h = parse_headers(page);
  if (!h) return make_error(ErrorCode::InvalidArgument, "not a PE image (no MZ/PE header)");
  if (!le::fits(page, h->section_table, size_t{h->section_count} * kSectionHeader)) {
    return make_error(ErrorCode::InvalidArgument, "the PE section table lies past the first page", h->section_table);
  }
  PeFileImage image;
  image.file_ = std::move(file);
  image.time_date_stamp_ = h->time_date_stamp;
  image.size_of_image_ = h->size_of_image;
  image.size_of_headers_ = std::min<uint32_t>(h->size_of_headers, kMaxHeaderBytes);
  for (uint32_t i = 0; i < h->section_count; ++i) {
    const size_t s = h->section_table + i * kSectionHeader;
    image.sections_.push_back({le::u32(page, s + 0xc), le::u32(page, s + 8), le::u32(page, s + 0x14),
                               le::u32(page, s + 0x10)});
  }
  return image;
}

Status PeFileImage::read(uint64_t rva, std::span<uint8_t> out) const {
  std::fill(out.begin(), out.end(), uint8_t{0});
  if (rva + out.size() <= size_of_headers_) return read_exact(*file_, rva, out);
  for (const Section& s : sections_) {
    const uint64_t size = std::max(s.virtual_size, s.raw_size);
    if (rva < s.rva || rva + out.size() > uint64_t{s.rva} + size) continue;
    const uint64_t at = rva - s.rva;
    if (at >= s.raw_size) return Ok{};  // uninitialised data: zeros
    const size_t raw = static_cast<size_t>(std::min<uint64_t>(out.size(), s.raw_size - at));
    return read_exact(*file_, uint64_t{s.raw_offset} + at, out.first(raw));
  }
  return make_error(ErrorCode::InvalidArgument, "no section of the image file holds RVA " + hex(rva), rva);
}

void PeUnwindSource::add_image_file(uint64_t base, PeFileImage image) {
  files_.insert_or_assign(base, std::move(image));
  directories_.erase(base);
}

Status PeUnwindSource::read_image(uint64_t image_base, uint64_t rva, std::span<uint8_t> out) {
  if (auto it = files_.find(image_base); it != files_.end()) return it->second.read(rva, out);
  if (vm_ == nullptr) return make_error(ErrorCode::Unsupported, "no image bytes for " + hex(image_base));
  return vm_->read_virtual_exact(Gva(image_base + rva), out);
}

const PeUnwindSource::Directory& PeUnwindSource::directory(const Module& m) {
  if (auto it = directories_.find(m.base); it != directories_.end()) return it->second;
  Directory d;
  std::vector<uint8_t> page(kMaxHeaderBytes);
  if (read_image(m.base, 0, page).ok()) {
    if (auto h = parse_headers(page)) {
      const uint32_t entry = h->machine == 0x8664 ? 12 : 8;
      if ((h->machine == 0x8664 || h->machine == 0xAA64) && h->pdata_size >= entry &&
          uint64_t{h->pdata_rva} + h->pdata_size <= std::max<uint64_t>(m.size, h->size_of_image)) {
        d.valid = true;
        d.machine = h->machine;
        d.pdata_rva = h->pdata_rva;
        d.count = h->pdata_size / entry;
      }
    }
  }
  return directories_.emplace(m.base, d).first->second;
}

bool PeUnwindSource::has_unwind_data(uint64_t pc) {
  const Module* m = find_module(modules_, pc);
  return m != nullptr && directory(*m).valid;
}

std::optional<RuntimeFunction> PeUnwindSource::find_function(uint64_t pc) {
  const Module* m = find_module(modules_, pc);
  if (m == nullptr) return std::nullopt;
  const Directory& d = directory(*m);
  if (!d.valid) return std::nullopt;
  const uint64_t rva = pc - m->base;
  const uint32_t entry = d.machine == 0x8664 ? 12 : 8;
  // The last entry whose BeginAddress <= rva (the table is sorted by BeginAddress).
  uint32_t lo = 0, hi = d.count;
  std::array<uint8_t, 12> e{};
  std::span<uint8_t> es(e.data(), entry);
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (!read_image(m->base, d.pdata_rva + uint64_t{mid} * entry, es).ok()) return std::nullopt;
    if (le::u32(e, 0) <= rva) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return std::nullopt;
  if (!read_image(m->base, d.pdata_rva + uint64_t{lo - 1} * entry, es).ok()) return std::nullopt;
  RuntimeFunction f;
  f.image_base = m->base;
  f.machine = d.machine;
  f.begin_rva = le::u32(e, 0);
  if (d.machine == 0x8664) {
    f.end_rva = le::u32(e, 4);
    f.unwind_data = le::u32(e, 8);
  } else {
    // ARM64: packed records carry FunctionLength in bits 2-12, .xdata headers in bits 0-17 (in 4-byte units).
    f.unwind_data = le::u32(e, 4);
    uint32_t length = 0;
    if ((f.unwind_data & 3) != 0) {
      length = ((f.unwind_data >> 2) & 0x7ff) * 4;
    } else {
      std::array<uint8_t, 4> header{};
      if (!read_image(m->base, f.unwind_data, header).ok()) return std::nullopt;
      length = (le::u32(header, 0) & 0x3ffff) * 4;
    }
    f.end_rva = f.begin_rva + length;
  }
  if (rva < f.begin_rva || rva >= f.end_rva) return std::nullopt;
  return f;
}

}  // namespace kdmp
