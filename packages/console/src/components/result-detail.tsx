// One result laid out: the image with its boxes beside the verdict and the list of defects.
import type { InferenceResult } from '@chipq/sdk';
import { useState } from 'preact/hooks';
import type { CachedImages } from '../image-cache.js';
import type { DefectOutcome } from '../review-store.js';
import { DetectionTable } from './detection-table.js';
import { InspectionView, type InspectionViewProps } from './inspection-view.js';
import { VerdictPanel } from './verdict-panel.js';

export function ResultDetail(
  props: {
    result: InferenceResult;
    images?: CachedImages | undefined;
    /** Why there is no picture, shown on the blank frame. */
    missingImage?: string | undefined;
    outcomes?: DefectOutcome[] | undefined;
    onToggle?: ((index: number) => void) | undefined;
  } & Pick<InspectionViewProps, 'drawn' | 'onDraw'>,
) {
  const [highlight, setHighlight] = useState<number>();
  return (
    <div class="result-detail">
      <InspectionView
        result={props.result}
        images={props.images}
        missingImage={props.missingImage}
        outcomes={props.outcomes}
        highlight={highlight}
        drawn={props.drawn}
        onDraw={props.onDraw}
      />
      <div class="side">
        <VerdictPanel result={props.result} />
        <DetectionTable
          detections={props.result.detections}
          onHighlight={setHighlight}
          outcomes={props.outcomes}
          onToggle={props.onToggle}
        />
      </div>
    </div>
  );
}
