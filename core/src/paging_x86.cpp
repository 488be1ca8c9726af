// 32-bit x86 paging. PAE: a 4-entry PDPT -> PD -> PT with 8-byte entries and 2 MiB large pages. Non-PAE: PD -> PT
// with 4-byte entries (10 index bits per level) and 4 MiB large pages.
#include "kdmp/paging.hpp"
#include "kdmp/pte.hpp"
#include "paging_walk.hpp"

namespace kdmp {

using paging_detail::leaf;
using paging_detail::not_present;
using paging_detail::read_entry;

namespace {

// PAE: 4 PDPTEs of 1 GiB, 512 PDEs of 2 MiB, 512 PTEs of 4 KiB. Non-PAE: 1024 PDEs of 4 MiB, 1024 PTEs of 4 KiB.
constexpr paging_detail::Level kPaePdpte{"PDPTE", 1ull << 30, 1ull << 32};
constexpr paging_detail::Level kPaePde{"PDE", 1ull << 21, 1ull << 30};
constexpr paging_detail::Level kPaePte{"PTE", 1ull << 12, 1ull << 21};
constexpr paging_detail::Level kPde{"PDE", 1ull << 22, 1ull << 32};
constexpr paging_detail::Level kPte{"PTE", 1ull << 12, 1ull << 22};

Result<Translation> above_4gib(Gva va) {
  return make_error(ErrorCode::InvalidArgument,
                    "va " + hex(va.value) + " is above the 4 GiB address space of 32-bit x86", va.value);
}

void set_permissions(Translation& t, bool writable, bool user, bool nx) {
  t.writable = writable;
  t.user = user;
  t.executable = !nx;
}

}  // namespace

Result<Translation> translate_x86_pae(PhysicalReader& phys, uint64_t cr3, Gva va) {
  if (va.value >> 32) return above_4gib(va);

  // In PAE mode CR3 holds a 32-byte aligned PDPT address; bits 3 and 4 are PWT/PCD.
  const Gpa pdpt(cr3 & 0x000f'ffff'ffff'ffe0ull);
  const uint64_t pdpt_index = va.value >> 30;
  KDMP_TRY(pdpte_raw, read_entry(phys, kPaePdpte, pdpt, pdpt_index, 8, va));
  const Pte pdpte(pdpte_raw);
  if (!pdpte.present()) return not_present(kPaePdpte, pdpt + pdpt_index * 8, pdpte_raw, va);
  // A PDPTE has no R/W, U/S or NX bits (they are reserved there), so only the PDE and PTE decide permissions.
  if (pdpte.large_page()) {
    return not_present(kPaePdpte, pdpt + pdpt_index * 8, pdpte_raw, va, "reserved bit 7 (PS) is set");
  }

  const Gpa pd(pdpte.frame());
  const uint64_t pd_index = (va.value >> 21) & 0x1ff;
  KDMP_TRY(pde_raw, read_entry(phys, kPaePde, pd, pd_index, 8, va));
  const Pte pde(pde_raw);
  if (!pde.present()) return not_present(kPaePde, pd + pd_index * 8, pde_raw, va);
  if (pde.large_page()) {
    Translation t = leaf(pde.frame_2m(), kPageSize2M, va, 2);
    set_permissions(t, pde.writable(), pde.user(), pde.nx());
    return t;
  }

  const Gpa pt(pde.frame());
  const uint64_t pt_index = (va.value >> 12) & 0x1ff;
  KDMP_TRY(pte_raw, read_entry(phys, kPaePte, pt, pt_index, 8, va));
  const Pte pte(pte_raw);
  Translation t = leaf(pte.frame(), kPageSize, va, 3);
  if (pte.present()) {
    set_permissions(t, pde.writable() && pte.writable(), pde.user() && pte.user(), pde.nx() || pte.nx());
    return t;
  }
  if (!pte.is_transition()) return not_present(kPaePte, pt + pt_index * 8, pte_raw, va);
  set_permissions(t, pde.writable(), pde.user(), pde.nx());
  paging_detail::apply_transition_protection(t, pte.software_protection());
  return t;
}

Result<Translation> translate_x86(PhysicalReader& phys, uint64_t cr3, Gva va) {
  if (va.value >> 32) return above_4gib(va);

  const Gpa pd(cr3 & 0xffff'f000ull);
  const uint64_t pd_index = va.value >> 22;
  KDMP_TRY(pde_raw, read_entry(phys, kPde, pd, pd_index, 4, va));
  const Pte pde(pde_raw);
  if (!pde.present()) return not_present(kPde, pd + pd_index * 4, pde_raw, va);
  if (pde.large_page()) {
    Translation t = leaf(pde.frame_4m(), kPageSize4M, va, 1);
    set_permissions(t, pde.writable(), pde.user(), false);  // no NX without PAE
    return t;
  }

  const Gpa pt(pde.frame());
  const uint64_t pt_index = (va.value >> 12) & 0x3ff;
  KDMP_TRY(pte_raw, read_entry(phys, kPte, pt, pt_index, 4, va));
  const Pte pte(pte_raw);
  Translation t = leaf(pte.frame(), kPageSize, va, 2);
  if (pte.present()) {
    set_permissions(t, pde.writable() && pte.writable(), pde.user() && pte.user(), false);
    return t;
  }
  if (!pte.is_transition()) return not_present(kPte, pt + pt_index * 4, pte_raw, va);
  set_permissions(t, pde.writable(), pde.user(), false);
  paging_detail::apply_transition_protection(t, pte.software_protection());
  return t;
}

}  // namespace kdmp
