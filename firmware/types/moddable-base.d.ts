/**
 * Moddable base modules the project's tsconfig paths do not map (@moddable/typings 5.6 has them as
 * modules.d.ts and Resource.d.ts, outside the mapped patterns): `modules` (Modules.has/importNow, for
 * modules only some builds contain) and `Resource` (embedded resources: the lin replay recordings).
 */
declare module 'modules' {
  class Modules {
    static has(name: string): boolean;
    static importNow(name: string): unknown;
  }
  export { Modules as default };
}

declare module 'Resource' {
  class Resource extends HostBuffer {
    constructor(path: string);
    static exists(path: string): boolean;
  }
  export { Resource as default };
}
