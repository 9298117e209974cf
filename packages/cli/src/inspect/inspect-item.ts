/**
 * One unit of work of `chipq inspect`: a tested image, its reference and the traceability fields
 * that travel with it into the results (and to the server).
 */

/** The station's identifiers of the inspected region (PLATFORM-CONTRACTS.md vocabulary). */
export interface Traceability {
  lot_id?: string;
  wafer_id?: string;
  die_x?: number;
  die_y?: number;
  station_id?: string;
  /** Any other manifest columns, kept as free-form tags. */
  tags?: Record<string, string>;
}

export interface InspectItem {
  /** Position in the input order; results are written in this order. */
  index: number;
  /** Absolute path of the tested image. */
  image: string;
  /** Absolute path of the reference image, when there is one. */
  reference?: string;
  traceability: Traceability;
}
