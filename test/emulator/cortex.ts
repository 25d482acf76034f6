// Cortex REST routes of the emulator. (Placeholder: the chat work fills it in.)
import type { EmulatorServer } from './server';

export function registerCortex(_server: EmulatorServer, _state: unknown): void {}
