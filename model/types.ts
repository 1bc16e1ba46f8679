/** Binary sentiment label: 0 = negative, 1 = positive. */
export type Label = 0 | 1;

/** One labelled text. `line` is the 1-based source line, kept for error messages and reports. */
export interface Example {
  text: string;
  label: Label;
  line?: number;
}

/** A split of a dataset as loaded from one file. */
export interface LoadedSplit {
  /** Absolute path of the file the examples came from. */
  path: string;
  /** sha256 (hex) of the file's bytes. */
  sha256: string;
  examples: Example[];
}
