// Registers the publish capability. (Placeholder until the capability lands.)
import type { ExtensionDeps } from '../deps';

export function registerPublish(_deps: ExtensionDeps): void {}
