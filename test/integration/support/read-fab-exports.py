"""Reads a chipq export with an independent PyPI reader and prints what it found as JSON.

    read-fab-exports.py klarf <file>   # klarfio (KLARF 1.8)
    read-fab-exports.py g85 <file>     # g85 (SEMI G85 XML wafer map)
"""
import json
import sys


def read_klarf(path):
    import klarfio

    data = klarfio.klarf(path).data["FileRecord_1.8"]
    lot = next(v for k, v in data.items() if k.startswith("LotRecord_"))
    wafer = next(v for k, v in lot.items() if k.startswith("WaferRecord_"))
    columns = [c["Column"] for c in wafer["DefectList"]["Columns"]]
    return {
        "lot": lot["RecordName"],
        "wafer": wafer["RecordName"],
        "station": lot["InspectionStationID"],
        "result_timestamp": lot["ResultTimestamp"],
        "die_pitch": lot["DiePitch"],
        "classes": {str(row[0]): row[1] for row in lot["ClassLookupList"].get("Data", [])},
        "defects": [dict(zip(columns, row)) for row in wafer["DefectList"].get("Data", [])],
    }


def read_g85(path):
    import g85

    with open(path) as stream:
        maps = g85.read(stream)
    device = maps[0].devices[0]
    return {
        "substrate": maps[0].SubstrateId,
        "lot": device.LotId,
        "rows": device.Rows,
        "columns": device.Columns,
        "null_bin": device.NullBin,
        "reference": device.reference_xy,
        "bin_pass": {str(k): v for k, v in device.bin_pass.items()},
        "map": device.map,
    }


if __name__ == "__main__":
    kind, path = sys.argv[1], sys.argv[2]
    print(json.dumps(read_klarf(path) if kind == "klarf" else read_g85(path)))
