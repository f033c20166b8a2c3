/**
 * An 8×8 PNG checkerboard (84 bytes), base64: small enough to print in a transcript, real enough
 * that a client can decode it. Shared by the image tool, the annotated message and a prompt.
 */
export const TINY_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAG0lEQVR4nGPI1bj5//9/TJIBq2iuxk2GQakDADABjWH/g09kAAAAAElFTkSuQmCC'
