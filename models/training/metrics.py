"""Detection metrics as DeepPCB counts them (mirrors packages/core/src/evaluation in TypeScript).

AP is the all-point interpolated area under the precision/recall curve (VOC 2010+); a detection
matches an unmatched ground truth of the same class, greedily by descending score, when IoU is
greater than the threshold (strict, the DeepPCB rule) or at least it when `strict=False`.
"""
import numpy as np

NAMES = ['open', 'short', 'mousebite', 'spur', 'copper', 'pin-hole']


def iou(box, boxes):
    ix1 = np.maximum(box[0], boxes[:, 0])
    iy1 = np.maximum(box[1], boxes[:, 1])
    ix2 = np.minimum(box[2], boxes[:, 2])
    iy2 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(ix2 - ix1, 0, None) * np.clip(iy2 - iy1, 0, None)
    a = (box[2] - box[0]) * (box[3] - box[1])
    b = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return inter / np.maximum(a + b - inter, 1e-9)


def match(gts, dets, iou_threshold, strict):
    """gts: {img: array (n,5) x1y1x2y2c}; dets: list of (img, score, cls, box).
    Returns per-class (scores, tp flags) and per-class gt counts."""
    out = {c: ([], []) for c in range(len(NAMES))}
    npos = {c: 0 for c in range(len(NAMES))}
    used = {k: np.zeros(len(v), bool) for k, v in gts.items()}
    for v in gts.values():
        for c in v[:, 4].astype(int):
            npos[c] += 1
    for img, score, cls, box in sorted(dets, key=lambda d: -d[1]):
        g = gts.get(img)
        tp = False
        if g is not None and len(g):
            same = (g[:, 4].astype(int) == cls) & ~used[img]
            if same.any():
                ious = np.where(same, iou(np.asarray(box, float), g[:, :4].astype(float)), -1.0)
                j = int(np.argmax(ious))
                ok = ious[j] > iou_threshold if strict else ious[j] >= iou_threshold
                if ok:
                    used[img][j] = True
                    tp = True
        out[cls][0].append(score)
        out[cls][1].append(tp)
    return out, npos


def average_precision(tps, npos):
    if npos == 0:
        return float('nan')
    tp = np.cumsum(np.asarray(tps, float))
    fp = np.cumsum(1.0 - np.asarray(tps, float))
    rec = tp / npos
    prec = tp / np.maximum(tp + fp, 1e-9)
    mrec = np.concatenate([[0.0], rec, [1.0]])
    mpre = np.concatenate([[0.0], prec, [0.0]])
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    idx = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[idx + 1] - mrec[idx]) * mpre[idx + 1]))


def evaluate(gts, dets, iou_threshold=0.33, strict=True, score_threshold=0.5):
    """Returns {'mAP', 'ap': [per class], 'precision', 'recall', 'f1'} (P/R/F1 at score_threshold)."""
    per, npos = match(gts, dets, iou_threshold, strict)
    aps = [average_precision(per[c][1], npos[c]) for c in range(len(NAMES))]
    valid = [a for a in aps if a == a]
    tp = sum(t for c in per for s, t in zip(*per[c]) if s >= score_threshold)
    nd = sum(1 for c in per for s in per[c][0] if s >= score_threshold)
    ng = sum(npos.values())
    p = tp / nd if nd else 0.0
    r = tp / ng if ng else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {'mAP': float(np.mean(valid)) if valid else 0.0, 'ap': aps, 'precision': p, 'recall': r, 'f1': f1}


def best_f1(gts, dets, iou_threshold=0.33, strict=True):
    """The confidence threshold with the highest F1 (ties: the higher threshold), and that F1."""
    per, npos = match(gts, dets, iou_threshold, strict)
    pairs = sorted(((s, t) for c in per for s, t in zip(*per[c])), key=lambda x: -x[0])
    ng = sum(npos.values())
    best = (0.0, 1.0)
    tp = 0
    for i, (s, t) in enumerate(pairs):
        tp += t
        if i + 1 < len(pairs) and pairs[i + 1][0] == s:
            continue
        p, r = tp / (i + 1), tp / ng
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best[0]:
            best = (f1, s)
    return {'f1': best[0], 'threshold': best[1]}
