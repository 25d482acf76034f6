// Posit Connect routes of the emulator. (Placeholder: the publish work fills it in.)
import type { EmulatorServer } from './server';

export function registerConnect(_server: EmulatorServer, _state: unknown): void {}
