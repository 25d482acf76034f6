// Registers the auth capability. (Placeholder until the capability lands.)
import type { ExtensionDeps } from '../deps';

export function registerAuth(_deps: ExtensionDeps): void {}
