"""Measure a served ONNX model on the validation split: mAP@0.33 (IoU > 0.33, DeepPCB's rule),
mAP@0.5, AP per class, precision/recall/F1 at the deployed threshold, and CPU latency through
onnxruntime (single image, and batches of 8).

Usage: python evaluate_onnx.py ../pcb_defect_detector/1/model.onnx [--threshold 0.75] [--threads 2] [--json out.json]
                               [--split random|groups]
"""
import argparse
import json
import time

import numpy as np
import onnxruntime as ort

import data
from metrics import NAMES, best_f1, evaluate


def session(path, threads):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(path, opts, providers=['CPUExecutionProvider'])


def detections(sess, images, indices, batch=8):
    out = []
    for s in range(0, len(indices), batch):
        chunk = indices[s:s + batch]
        pairs = np.stack([np.asarray(images[k]) for k in chunk])
        boxes, scores, classes = sess.run(None, {'image': pairs[:, :1], 'reference': pairs[:, 1:]})
        for j, k in enumerate(chunk):
            for b, sc, c in zip(boxes[j], scores[j], classes[j]):
                if sc > 0:
                    out.append((k, float(sc), int(c), b.tolist()))
    return out


def latency(sess, images, indices, batch, repeats):
    pairs = np.stack([np.asarray(images[k]) for k in indices[:batch]])
    feed = {'image': pairs[:, :1], 'reference': pairs[:, 1:]}
    sess.run(None, feed)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        sess.run(None, feed)
        times.append(time.perf_counter() - t)
    times.sort()
    return {'batch': batch, 'median_ms': 1000 * times[len(times) // 2], 'images_per_s': batch / times[len(times) // 2]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('model')
    ap.add_argument('--threshold', type=float, default=0.75)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--json')
    ap.add_argument('--split', default='random', help='validation split: random (split.json) or groups (split-groups.json)')
    args = ap.parse_args()
    images, ids, boxes, _, val = data.load(args.split)
    sess = session(args.model, args.threads)
    dets = detections(sess, images, val)
    gts = {k: boxes[k] for k in val}
    m33 = evaluate(gts, dets, 0.33, True, args.threshold)
    m50 = evaluate(gts, dets, 0.5, False, args.threshold)
    best = best_f1(gts, dets)
    lat1 = latency(sess, images, val, 1, 30)
    lat8 = latency(sess, images, val, 8, 8)
    result = {
        'model': args.model, 'split': args.split, 'val_pairs': len(val), 'threshold': args.threshold,
        'mAP33': m33['mAP'], 'mAP50': m50['mAP'],
        'ap33': dict(zip(NAMES, m33['ap'])), 'ap50': dict(zip(NAMES, m50['ap'])),
        'precision': m33['precision'], 'recall': m33['recall'], 'f1': m33['f1'],
        'best_f1': best, 'latency_batch1': lat1, 'latency_batch8': lat8, 'threads': args.threads,
    }
    for name in NAMES:
        print(f'{name:10s} AP@0.33 {result["ap33"][name]:.4f}  AP@0.5 {result["ap50"][name]:.4f}')
    print(f'mAP@0.33={m33["mAP"]:.4f} mAP@0.5={m50["mAP"]:.4f} at threshold {args.threshold}: '
          f'F1={m33["f1"]:.4f} precision={m33["precision"]:.4f} recall={m33["recall"]:.4f}')
    print(f'best F1 {best["f1"]:.4f} at threshold {best["threshold"]:.4f}')
    print(f'batch 1: {lat1["median_ms"]:.1f} ms ({lat1["images_per_s"]:.1f} img/s); '
          f'batch 8: {lat8["median_ms"]:.1f} ms ({lat8["images_per_s"]:.1f} img/s) with {args.threads} threads')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(result, f, indent=1)


if __name__ == '__main__':
    main()
