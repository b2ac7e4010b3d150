// XS globals for host (C) classes and functions, as declared by Moddable's xs/includes/xs.d.ts
// (reference/moddable.md §4); @moddable/typings 5.6 lacks them.

/** A base class whose instances carry host data freed by the named C destructor. */
declare function Native(destructor: string): new () => object;

/** The C host function `name` (void name(xsMachine *the)); call it with `.call(this, ...args)`. */
declare function native<R = void>(name: string): (this: object, ...args: unknown[]) => R;
