// Roles of the current visitor, the single input the shell uses to decide what to show.
import type { Role } from './nav';

// Sign-in is not built yet, so every visitor is anonymous; this is the one place to change when it is.
export function currentRoles(): readonly Role[] {
  return ['anonymous'];
}
