// The absolute difference of the image and its reference, per pixel in grey, contrast
// stretched so faint differences show: where the board differs from its template.
import { useEffect, useRef, useState } from 'preact/hooks';

function load(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error(`could not decode ${url}`));
    image.src = url;
  });
}

function pixels(image: HTMLImageElement, width: number, height: number): Uint8ClampedArray {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('no 2D canvas');
  context.drawImage(image, 0, 0, width, height);
  return context.getImageData(0, 0, width, height).data;
}

export function DifferenceCanvas(props: { image: string; reference: string; width: number; height: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    Promise.all([load(props.image), load(props.reference)])
      .then(([image, reference]) => {
        const target = canvas.current?.getContext('2d');
        if (!live || target === null || target === undefined) return;
        const a = pixels(image, props.width, props.height);
        const b = pixels(reference, props.width, props.height);
        const out = target.createImageData(props.width, props.height);
        let max = 1;
        const diff = new Uint8ClampedArray(props.width * props.height);
        for (let i = 0, p = 0; i < a.length; i += 4, p++) {
          const d =
            (Math.abs((a[i] ?? 0) - (b[i] ?? 0)) +
              Math.abs((a[i + 1] ?? 0) - (b[i + 1] ?? 0)) +
              Math.abs((a[i + 2] ?? 0) - (b[i + 2] ?? 0))) /
            3;
          diff[p] = d;
          if (d > max) max = d;
        }
        const gain = 255 / max;
        for (let p = 0; p < diff.length; p++) {
          const v = (diff[p] ?? 0) * gain;
          out.data[p * 4] = v;
          out.data[p * 4 + 1] = v;
          out.data[p * 4 + 2] = v;
          out.data[p * 4 + 3] = 255;
        }
        target.putImageData(out, 0, 0);
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [props.image, props.reference, props.width, props.height]);
  if (error !== undefined) return <p role="alert">{error}</p>;
  return (
    <canvas
      ref={canvas}
      class="layer"
      width={props.width}
      height={props.height}
      role="img"
      aria-label="Difference between the image and its reference"
    />
  );
}
