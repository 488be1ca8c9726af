// The part of @alexaltea/capstone-js (Capstone 5 for JavaScript, which ships no types) that kdmpview uses.
declare module '@alexaltea/capstone-js' {
  export interface CapstoneInstruction {
    /** Read as a signed 64-bit number: BigInt.asUintN(64, ...) gives the address. */
    address: bigint | number;
    size: number;
    mnemonic: string;
    op_str: string;
    bytes: number[];
  }
  export interface CapstoneHandle {
    disasm(buffer: Uint8Array | number[], address: bigint | number, max?: number): CapstoneInstruction[];
    close(): void;
  }
  export interface CapstoneModule {
    Capstone: new (arch: number, mode: number) => CapstoneHandle;
    ARCH_ARM: number;
    ARCH_ARM64: number;
    ARCH_X86: number;
    MODE_ARM: number;
    MODE_THUMB: number;
    MODE_32: number;
    MODE_64: number;
  }
  /** Emscripten's factory: locateFile tells where capstone.wasm is. */
  const MCapstone: (options?: { locateFile?: (path: string, prefix: string) => string; wasmBinary?: Uint8Array }) => Promise<CapstoneModule>;
  export default MCapstone;
}
