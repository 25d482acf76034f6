// Registers the cortex capability. (Placeholder until the capability lands.)
import type { ExtensionDeps } from '../deps';

export function registerCortex(_deps: ExtensionDeps): void {}
