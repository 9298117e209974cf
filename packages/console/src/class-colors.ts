// One colour per defect class, from the Okabe-Ito palette (distinguishable with the common
// colour-vision deficiencies), each readable as a label background with the text colour given.
const palette: Array<{ stroke: string; text: string }> = [
  { stroke: '#E69F00', text: '#000' },
  { stroke: '#56B4E9', text: '#000' },
  { stroke: '#009E73', text: '#fff' },
  { stroke: '#F0E442', text: '#000' },
  { stroke: '#0072B2', text: '#fff' },
  { stroke: '#D55E00', text: '#fff' },
  { stroke: '#CC79A7', text: '#000' },
  { stroke: '#FFFFFF', text: '#000' },
];

export function classColor(classId: number): { stroke: string; text: string } {
  return palette[((classId % palette.length) + palette.length) % palette.length] as (typeof palette)[number];
}
