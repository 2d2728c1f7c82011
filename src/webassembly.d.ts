// The part of the WebAssembly JavaScript API the delivery scanner uses (src/engine/local/parser/
// scanner.ts). Node's types do not declare it, and the DOM library that does would bring in every
// browser global besides.
declare namespace WebAssembly {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a compiled module is opaque
  interface Module {}
  const Module: { new (bytes: Uint8Array): Module }
  interface Instance {
    readonly exports: Record<string, unknown>
  }
  const Instance: {
    new (module: Module, imports: Record<string, Record<string, unknown>>): Instance
  }
  interface Memory {
    readonly buffer: ArrayBuffer
    grow(pages: number): number
  }
}
