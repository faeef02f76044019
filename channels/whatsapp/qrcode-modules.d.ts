// Type declarations for the two QR code packages (they ship none and @types is not installed).

declare module 'qrcode' {
  interface QrCodeOptions {
    errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H';
    margin?: number;
    width?: number;
    scale?: number;
  }
  export function toDataURL(text: string, options?: QrCodeOptions): Promise<string>;
  export function toString(text: string, options?: QrCodeOptions & { type?: 'svg' | 'utf8' | 'terminal' }): Promise<string>;
  const qrcode: { toDataURL: typeof toDataURL; toString: typeof toString };
  export default qrcode;
}

declare module 'qrcode-terminal' {
  export function generate(text: string, options?: { small?: boolean }, callback?: (output: string) => void): void;
  const qrcodeTerminal: { generate: typeof generate };
  export default qrcodeTerminal;
}
