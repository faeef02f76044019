import { rgb, type PDFDocument, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';

// Lays text down A4 pages with pdf-lib, which only draws a string at a point: wrapping to a width,
// keeping blocks together and starting a new page when one is full.

export const colors = {
  text: rgb(0.11, 0.15, 0.2),
  muted: rgb(0.35, 0.4, 0.46),
  accent: rgb(0.05, 0.3, 0.55),
  rule: rgb(0.78, 0.82, 0.86),
  warning: rgb(0.65, 0.1, 0.1),
  warningBackground: rgb(0.99, 0.93, 0.93),
  panel: rgb(0.95, 0.97, 0.99),
};

const pageSize: [number, number] = [595.28, 841.89];
const margin = 56;
/** Content stops here; the footer lives below. */
const contentBottom = 68;

/** A cursor down A4 pages that wraps text to a width and starts a new page when the current one is full. */
export class PageWriter {
  readonly left = margin;
  readonly width = pageSize[0] - 2 * margin;
  readonly pages: PDFPage[] = [];
  page!: PDFPage;
  y = 0;

  constructor(
    readonly document: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
    private readonly continuation: string,
  ) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.document.addPage(pageSize);
    this.pages.push(this.page);
    this.page.drawRectangle({ x: 0, y: pageSize[1] - 8, width: pageSize[0], height: 8, color: colors.accent });
    this.y = pageSize[1] - margin;
    if (this.pages.length > 1) {
      this.text(this.continuation, { size: 8.5, color: colors.muted });
      this.space(12);
    }
  }

  /** Keeps a block of this height together: on a new page when it does not fit on this one. */
  ensure(height: number): void {
    if (this.y - height < contentBottom) this.newPage();
  }

  wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const lines: string[] = [];
    for (const paragraph of text.split('\n')) {
      let line = '';
      for (const word of paragraph.split(/\s+/).filter(Boolean)) {
        const candidate = line ? `${line} ${word}` : word;
        if (font.widthOfTextAtSize(candidate, size) <= width || !line) {
          line = candidate;
        } else {
          lines.push(line);
          line = word;
        }
        // A single word wider than the column (a long URL) is cut where it overflows.
        while (font.widthOfTextAtSize(line, size) > width && line.length > 1) {
          let cut = line.length - 1;
          while (cut > 1 && font.widthOfTextAtSize(line.slice(0, cut), size) > width) cut -= 1;
          lines.push(line.slice(0, cut));
          line = line.slice(cut);
        }
      }
      lines.push(line);
    }
    return lines;
  }

  lines(text: string, options: TextOptions): string[] {
    const font = options.font ?? this.regular;
    const size = options.size ?? 10;
    const x = options.x ?? this.left;
    let lines = this.wrap(text, font, size, options.width ?? this.width - (x - this.left));
    if (options.maxLines && lines.length > options.maxLines) {
      lines = lines.slice(0, options.maxLines);
      lines[lines.length - 1] = `${lines[lines.length - 1] ?? ''} …`;
    }
    return lines;
  }

  lineHeight(options: TextOptions): number {
    const size = options.size ?? 10;
    return size + (options.lineGap ?? size * 0.45);
  }

  text(text: string, options: TextOptions = {}): void {
    const font = options.font ?? this.regular;
    const size = options.size ?? 10;
    for (const line of this.lines(text, options)) {
      if (!options.keepOnPage) this.ensure(size);
      this.y -= size;
      this.page.drawText(line, { x: options.x ?? this.left, y: this.y, size, font, color: options.color ?? colors.text });
      this.y -= options.lineGap ?? size * 0.45;
    }
  }

  space(points: number): void {
    this.y -= points;
  }

  rule(color = colors.rule, thickness = 0.8): void {
    this.page.drawLine({ start: { x: this.left, y: this.y }, end: { x: this.left + this.width, y: this.y }, thickness, color });
  }

  /** Height of lines of text drawn one after the other, each with the space before it. */
  measure(items: BlockItem[]): number {
    return items.reduce((total, item) => total + (item.spaceBefore ?? 0) + this.lines(item.text, item.style).length * this.lineHeight(item.style), 0);
  }

  /** Draws the lines measured with measure(), from the current position. */
  draw(items: BlockItem[]): void {
    for (const item of items) {
      this.space(item.spaceBefore ?? 0);
      this.text(item.text, { ...item.style, keepOnPage: true });
    }
  }

  /** Label on the left, value wrapped on the right, kept on one page. */
  field(label: string, value: string, options: { bold?: boolean; maxLines?: number } = {}): void {
    const labelWidth = 150;
    const labelStyle: TextOptions = { size: 9.5, color: colors.muted, width: labelWidth - 8, keepOnPage: true };
    const valueStyle: TextOptions = { x: this.left + labelWidth, size: 10.5, font: options.bold ? this.bold : this.regular, maxLines: options.maxLines, keepOnPage: true };
    this.ensure(Math.max(this.lines(label, labelStyle).length * this.lineHeight(labelStyle), this.lines(value, valueStyle).length * this.lineHeight(valueStyle)));
    const top = this.y;
    this.text(label, labelStyle);
    const afterLabel = this.y;
    this.y = top;
    this.text(value, valueStyle);
    this.y = Math.min(this.y, afterLabel) - 3;
  }
}

export interface BlockItem {
  text: string;
  style: TextOptions;
  spaceBefore?: number;
}

export interface TextOptions {
  font?: PDFFont;
  size?: number;
  color?: RGB;
  x?: number;
  width?: number;
  lineGap?: number;
  maxLines?: number;
  /** Inside a block already kept together (a panel, a field): never break the page here. */
  keepOnPage?: boolean;
}
