// The entry module, named `main` at the root of the module names: the start-up code lives in
// moddable/main, where relative imports resolve the same for TypeScript and XS (docs/flashing.md §8).
import './moddable/main';
