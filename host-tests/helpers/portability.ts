/**
 * Scans firmware source for what cannot exist on the device: imports of Node built-ins or npm
 * packages, and references to Node or browser globals. Uses the TypeScript parser, so names inside
 * comments, strings and property keys do not count.
 */
import ts from 'typescript';
import { isModdableModule } from './moddable-modules';

export interface PortabilityViolation {
  file: string;
  line: number;
  what: string;
}

const NODE_GLOBALS = [
  'process', 'Buffer', 'require', 'module', 'exports', '__dirname', '__filename', 'global',
  'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'console',
];
const DOM_GLOBALS = [
  'window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'fetch', 'XMLHttpRequest', 'WebSocket',
  'location', 'HTMLElement', 'requestAnimationFrame', 'self',
];
const FORBIDDEN_GLOBALS = new Map<string, string>([
  ...NODE_GLOBALS.map((name) => [name, 'Node global'] as [string, string]),
  ...DOM_GLOBALS.map((name) => [name, 'DOM global'] as [string, string]),
]);

function isReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (ts.isQualifiedName(parent) && parent.right === node) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertySignature(parent) ||
    ts.isMethodDeclaration(parent) || ts.isMethodSignature(parent) || ts.isGetAccessor(parent) ||
    ts.isSetAccessor(parent) || ts.isEnumMember(parent)) && parent.name === node) return false;
  if ((ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isFunctionDeclaration(parent) ||
    ts.isClassDeclaration(parent) || ts.isBindingElement(parent) || ts.isImportSpecifier(parent)) &&
    parent.name === node) return false;
  if (ts.isLabeledStatement(parent) && parent.label === node) return false;
  return true;
}

function checkSpecifier(specifier: string): string | undefined {
  if (specifier.startsWith('.')) return undefined;
  if (isModdableModule(specifier)) return undefined;
  if (specifier.startsWith('node:')) return `import of Node built-in '${specifier}'`;
  return `import of '${specifier}', which is neither relative nor a Moddable module (Node built-in or npm package)`;
}

/** Names the file declares itself (parameters, variables, functions, classes, imports) shadow globals. */
function declaredNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && !isReference(node) && !ts.isPropertyAccessExpression(node.parent) &&
      !ts.isPropertyAssignment(node.parent) && !ts.isMethodDeclaration(node.parent)) names.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

export function scanSource(file: string, text: string): PortabilityViolation[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const local = declaredNames(source);
  const found: PortabilityViolation[] = [];
  const report = (node: ts.Node, what: string): void => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    found.push({ file, line: line + 1, what });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)) {
      const problem = checkSpecifier(node.moduleSpecifier.text);
      if (problem !== undefined) report(node, problem);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg !== undefined && ts.isStringLiteral(arg)) {
        const problem = checkSpecifier(arg.text);
        if (problem !== undefined) report(node, `dynamic ${problem}`);
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      const problem = checkSpecifier(node.argument.literal.text);
      if (problem !== undefined) report(node, `type ${problem}`);
    } else if (ts.isIdentifier(node)) {
      const kind = FORBIDDEN_GLOBALS.get(node.text);
      if (kind !== undefined && !local.has(node.text) && isReference(node)) report(node, `use of ${kind} '${node.text}'`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
