/** The solver's public input and output shapes (re-exported by `#domain/solver.ts`). */

export interface SolverNeed {
  id: string;
  postedAt: string;
  /** Informational: the plan's priority is already part of each edge weight. */
  priority?: number;
}
export interface SolverOffering {
  id: string;
  capacity: number;
  /** The provider whose soft cap this offering counts towards (one of `providers`). */
  provider?: string;
}
export interface SolverEdge {
  need: string;
  offering: string;
  weight: number;
}
/**
 * A provider's soft cap: its offerings together take up to `softCap` needs
 * at no cost; each one beyond costs `penalty` (in weight units).
 */
export interface SolverProvider {
  id: string;
  softCap: number;
  penalty: number;
}
export interface SolverInput {
  needs: SolverNeed[];
  offerings: SolverOffering[];
  edges: SolverEdge[];
  providers?: SolverProvider[];
  /** Serve as many needs as possible first, then maximise the objective. */
  servedFirst?: boolean;
}
export interface SolverResult {
  /** Ordered by need: earlier `postedAt` first, then smaller id. */
  assignments: { need: string; offering: string }[];
  /**
   * Sum of the original (unrounded) weights of the chosen edges, minus each
   * provider's penalty times its assignments beyond its soft cap.
   */
  objective: number;
  /** Number of needs assigned (`assignments.length`). */
  served: number;
}

/** Structurally invalid solver input (the caller's bug, never a data race). */
export class SolverInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SolverInputError';
  }
}
