import { encodePng } from './binary-formats.ts';

// The Teams app's two icons, drawn in code so the repository needs no image editor: a town hall front
// (pediment, four columns, steps). Teams asks for a 192×192 colour icon and a 32×32 outline icon that
// is white on a transparent background. A town hall may replace teams/color.png and teams/outline.png
// with its own coat of arms; `functionar teams icons` draws these again.

type Shape = (x: number, y: number) => boolean;

const rectangle =
  (left: number, top: number, right: number, bottom: number): Shape =>
  (x, y) =>
    x >= left && x <= right && y >= top && y <= bottom;

/** Pediment: a triangle from the apex down to the cornice. */
const pediment: Shape = (x, y) => y >= 0.17 && y <= 0.39 && Math.abs(x - 0.5) <= ((y - 0.17) / 0.22) * 0.33;

const townHall: Shape[] = [
  pediment,
  rectangle(0.17, 0.41, 0.83, 0.46),
  ...[0.27, 0.42, 0.58, 0.73].map((center) => rectangle(center - 0.04, 0.49, center + 0.04, 0.73)),
  rectangle(0.17, 0.76, 0.83, 0.8),
  rectangle(0.12, 0.83, 0.88, 0.87),
];

/** Coverage of the shape in a pixel, sampled 4×4 so the edges are smooth. */
function coverage(column: number, row: number, size: number): number {
  let inside = 0;
  for (let sampleY = 0; sampleY < 4; sampleY++) {
    for (let sampleX = 0; sampleX < 4; sampleX++) {
      const x = (column + (sampleX + 0.5) / 4) / size;
      const y = (row + (sampleY + 0.5) / 4) / size;
      if (townHall.some((shape) => shape(x, y))) inside++;
    }
  }
  return inside / 16;
}

function draw(size: number, pixel: (covered: number) => [number, number, number, number]): Buffer {
  const rgba = Buffer.alloc(size * size * 4);
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) rgba.set(pixel(coverage(column, row, size)), (row * size + column) * 4);
  }
  return rgba;
}

const background: [number, number, number] = [0x1f, 0x5f, 0xa8];

/** 192×192: the white town hall on the town hall's blue, edge to edge. */
export function colorIcon(): Buffer {
  const size = 192;
  return encodePng(
    size,
    size,
    draw(size, (covered) => {
      const mix = (channel: number) => Math.round(channel + (255 - channel) * covered);
      return [mix(background[0]), mix(background[1]), mix(background[2]), 255];
    }),
  );
}

/** 32×32: white shape, transparent elsewhere, as Teams requires of outline icons. */
export function outlineIcon(): Buffer {
  const size = 32;
  return encodePng(size, size, draw(size, (covered) => [255, 255, 255, Math.round(255 * covered)]));
}

export const accentColor = `#${background.map((channel) => channel.toString(16).padStart(2, '0')).join('').toUpperCase()}`;
