/** The files of an artifact, in a module without TensorFlow.js so light tools (the actions) can name them. */
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const TOKENIZER_FILE = 'tokenizer.json';
export const METADATA_FILE = 'metadata.json';
export const REQUIRED_FILES = [MODEL_FILE, WEIGHTS_FILE, TOKENIZER_FILE, METADATA_FILE] as const;
