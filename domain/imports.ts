/**
 * A register import (api.md "Registers"): the request stores the file and
 * answers 202 with the import's id; a consumer then processes the file in
 * chunks, recording progress and per-row errors here, so a person watches a
 * progress bar and reads the bad rows.
 */
import type { RegisterKind, RowError } from './registers.ts';

export const IMPORT_STATUSES = ['RUNNING', 'DONE', 'FAILED'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** Row errors kept on the import: the first ones, so the item stays small; `errorCount` counts them all. */
export const MAX_STORED_ROW_ERRORS = 1000;

export interface RegisterImport {
  id: string;
  kind: RegisterKind;
  /** sha256 of the file's bytes: the same file imported again answers this import. */
  fingerprint: string;
  /** The operator who started it (holds the one-running-import lock while RUNNING). */
  ownerSub: string;
  status: ImportStatus;
  /** Data rows in the file. */
  total: number;
  processed: number;
  accepted: number;
  rejected: number;
  /** The first MAX_STORED_ROW_ERRORS row errors, in row order. */
  errors: RowError[];
  /** Every row error, including those not kept in `errors`. */
  errorCount: number;
  /** The spreadsheet row the next chunk starts at (the header is row 1). */
  nextRow: number;
  /** How the stored file is split (store/imports.ts). */
  fileParts: number;
  fileBytes: number;
  startedAt: string;
  finishedAt?: string;
  /** Why a FAILED import stopped. */
  failure?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** Appends a chunk's row errors, keeping at most the cap. */
export function withRowErrors(kept: readonly RowError[], added: readonly RowError[]): RowError[] {
  const room = MAX_STORED_ROW_ERRORS - kept.length;
  return room > 0 ? [...kept, ...added.slice(0, room)] : [...kept];
}
