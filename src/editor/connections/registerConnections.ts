// Registers the connections capability. (Placeholder until the capability lands.)
import type { ExtensionDeps } from '../deps';

export function registerConnections(_deps: ExtensionDeps): void {}
