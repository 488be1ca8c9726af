// A stand-in for ntoskrnl's type records: structures named as the kernel names them, with the members the
// process walk reads at chosen offsets (x64: Windows 10 19041's layout with EPROCESS's and ETHREAD's own members
// moved up by 0x10, so no table row has it; x86: Windows 7's KTHREAD and EPROCESS heads moved the same way). The
// test reads them back from the PDB's TPI stream and checks them against llvm-pdbutil.
//
// Offsets are set by padding arrays; the forms a real kernel PDB uses are all here: nested structures (Pcb, Tcb,
// ApcState), a forward-referenced structure behind a pointer (_KAPC_STATE.Process -> _KPROCESS), an anonymous union
// whose members the compiler lists in the enclosing structure, bit fields, a volatile member (an LF_MODIFIER type).
#ifdef _WIN64
#define P(x64, x86) x64
#else
#define P(x64, x86) x86
#endif
#define PAD(name, bytes) unsigned char name[bytes]

typedef unsigned __int64 ULONG64;
typedef unsigned long ULONG;
typedef unsigned char UCHAR;

struct _KPROCESS;
struct _LIST_ENTRY {
  struct _LIST_ENTRY* Flink;
  struct _LIST_ENTRY* Blink;
};
struct _CLIENT_ID {
  void* UniqueProcess;
  void* UniqueThread;
};
struct _MM_SESSION_SPACE {
  long ReferenceCount;
  ULONG Flags;
  ULONG SessionId;
};
struct _OBJECT_NAME_INFORMATION;
struct _SE_AUDIT_PROCESS_CREATION_INFO {
  struct _OBJECT_NAME_INFORMATION* ImageFileName;
};

struct _KAPC_STATE {
  struct _LIST_ENTRY ApcListHead[2];
  struct _KPROCESS* Process;  // forward reference when this record is written
  UCHAR InProgressFlags;
};

struct _KPROCESS {
  PAD(Header, P(0x18, 0x10));
  struct _LIST_ENTRY ProfileListHead;
  ULONG64 DirectoryTableBase;  // x64 0x28, x86 0x18
  PAD(_pad1, P(0x388 - 0x30, 0x20));
#ifdef _WIN64
  ULONG64 UserDirectoryTableBase;  // 0x388
#endif
};

struct _EPROCESS {
  struct _KPROCESS Pcb;
  PAD(_pad0, P(0x450, 0xb0) - sizeof(struct _KPROCESS));
  void* UniqueProcessId;                  // x64 0x450, x86 0xb0 + ...
  struct _LIST_ENTRY ActiveProcessLinks;  // x64 0x458
  PAD(_pad1, P(0x478 - 0x468, 0x10));
  ULONG64 CreateTime;  // x64 0x478
  PAD(_pad2, P(0x550 - 0x480, 0x60));
  void* InheritedFromUniqueProcessId;  // x64 0x550
  PAD(_pad3, P(0x560 - 0x558, 0x8));
  void* Peb;                          // x64 0x560
  struct _MM_SESSION_SPACE* Session;  // x64 0x568
  PAD(_pad4, P(0x590 - 0x570, 0x10));
  void* WoW64Process;  // x64 0x590
  PAD(_pad5, P(0x5b8 - 0x598, 0x10));
  UCHAR ImageFileName[15];  // x64 0x5b8
  UCHAR PriorityClass;
  PAD(_pad6, P(0x5d0 - 0x5c8, 0x8));
  struct _SE_AUDIT_PROCESS_CREATION_INFO SeAuditProcessCreationInfo;  // x64 0x5d0
  PAD(_pad7, P(0x5f0 - 0x5d8, 0x8));
  struct _LIST_ENTRY ThreadListHead;  // x64 0x5f0
  volatile ULONG ActiveThreads;       // x64 0x600
  PAD(_pad8, P(0x850 - 0x604, 0x20));
  ULONG64 ExitTime;  // x64 0x850
};

struct _KTHREAD {
  PAD(Header, P(0x98, 0x40));
  struct _KAPC_STATE ApcState;  // x64 0x98: Process at 0xb8
  PAD(_pad0, P(0xf0, 0x88) - P(0x98, 0x40) - sizeof(struct _KAPC_STATE));
  void* Teb;  // x64 0xf0
  PAD(_pad1, P(0x184 - 0xf8, 0x10));
  union {
    volatile UCHAR State;  // x64 0x184, listed in _KTHREAD's own field list
    UCHAR StateBits : 4;
  };
};

struct _ETHREAD {
  struct _KTHREAD Tcb;
  PAD(_pad0, P(0x460, 0x228) - sizeof(struct _KTHREAD));
  void* StartAddress;  // x64 0x460
  PAD(_pad1, P(0x488 - 0x468, 0x10));
  struct _CLIENT_ID Cid;  // x64 0x488
  PAD(_pad2, P(0x4e0 - 0x498, 0x40));
  void* Win32StartAddress;  // x64 0x4e0
  PAD(_pad3, P(0x4f8 - 0x4e8, 0x10));
  struct _LIST_ENTRY ThreadListEntry;  // x64 0x4f8
};

struct _KPRCB {
  PAD(_pad0, P(0x8, 0x4));
  struct _KTHREAD* CurrentThread;  // x64 0x8, x86 0x4
  PAD(_pad1, P(0x24 - 0x10, 0x3cc - 0x8));
  ULONG Number;  // x64 0x24, x86 0x3cc
};

struct _KPCR {
  PAD(_pad0, P(0x18, 0x1c));
  struct _KPCR* Self;           // x64 0x18 (x86: SelfPcr's place)
  struct _KPRCB* CurrentPrcb;   // x64 0x20, x86 0x20
#ifdef _WIN64
  PAD(_pad1, 0x50 - 0x28);
#endif
  UCHAR Irql;  // x64 0x50, x86 0x24
  PAD(_pad2, P(0x180 - 0x51, 0x120 - 0x25));
#ifdef _WIN64
  struct _KPRCB Prcb;  // x64 0x180
#else
  struct _KPRCB PrcbData;  // x86 0x120
#endif
};

struct _EPROCESS g_process;
struct _ETHREAD g_thread;
struct _KPCR g_pcr;

int Entry(void) { return (int)(sizeof g_process + sizeof g_thread + sizeof g_pcr + g_pcr.Irql); }
