// The first readable virtual address at or after a given one: where the hex view goes when asked for the next
// mapped memory, and how it scrolls past unmapped space. A scan that skips what each failed translation rules out
// (Error::span: a not-present PML4E rules out 512 GiB), jumps the non-canonical hole in one step, and steps over
// mapped pages whose data the dump does not hold (the view wants bytes, not a translation).
#pragma once
#include <cstdint>
#include <optional>

#include "kdmp/address.hpp"
#include "kdmp/result.hpp"
#include "kdmp/virtual_memory.hpp"

namespace kdmp {

struct NextMappedOptions {
  // Page-table walks and probes before giving up. Real address spaces need a few thousand at most; page tables
  // built to be slow to scan (every table present, every leaf empty) would need billions.
  uint64_t max_steps = uint64_t{1} << 18;
};

// The first address >= from whose byte can be read: through the page tables, one that translates to a page the
// dump holds; in a triage dump, one in a saved region. nullopt: none below 2^64. Fails with a translation's error
// that says nothing about mapping (an I/O error), or with NotPresent when max_steps run out first: then nothing is
// readable in [from, where) and the scan can go on from `where`.
Result<std::optional<Gva>> next_mapped_virtual(VirtualMemory& memory, Gva from, NextMappedOptions options = {});

}  // namespace kdmp
