"""Opens a spreadsheet in LibreOffice Calc (headless, German locale), changes cells as a
person would, and saves it again in the format it came in: the real client of the
round-trip tests in ../libreoffice.rs.

usage: edit.py IN OUT FORMAT EDITS_JSON

FORMAT      xlsx | csv-excel (the app's German CSV: ";", UTF-8, German dates)
                 | csv-rfc4180 (",", UTF-8, ISO dates)
EDITS_JSON  [{"record": 12, "column": "Bemerkung", "text": "..."},
             {"record": 12, "column": "Geplanter Start", "date": "2027-12-31",
              "format": "TT.MM.JJ"}]
            a record is found by its "Datensatz" cell on the first sheet that has one;
            "text" is typed as text, "date" entered as a date shown in `format`

Runs Debian's python3 with python3-uno; starts its own LibreOffice with its own profile,
so tests may run side by side.
"""

import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import Locale

# LibreOffice's CSV filter options: separator, text delimiter, character set (76 = UTF-8),
# first line, column types, language (1031 = German, 1033 = English US), quoted fields as
# text, detect special numbers (dates are recognised, as when a person opens the file), and
# for saving: cell contents as shown (so a date is written as it is displayed)
CSV_FILTER = "Text - txt - csv (StarCalc)"
FORMATS = {
    "xlsx": ("Calc MS Excel 2007 XML", "", ""),
    "csv-excel": (CSV_FILTER, "59,34,76,1,,1031,false,true", "59,34,76,1,,1031,false,true,true"),
    "csv-rfc4180": (CSV_FILTER, "44,34,76,1,,1033,false,true", "44,34,76,1,,1033,false,true,true"),
}
GERMAN = Locale("de", "DE", "")
RECORD_COLUMN = "Datensatz"


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


# a German user's office: dates recognised and shown the German way (31.12.27)
GERMAN_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>de-DE</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse"><value>de-DE</value></prop></item>
</oor:items>
"""


def start_office(profile, pipe):
    os.makedirs(os.path.join(profile, "user"))
    with open(os.path.join(profile, "user", "registrymodifications.xcu"), "w") as f:
        f.write(GERMAN_PROFILE)
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        sys.exit("LibreOffice (soffice) is not installed")
    process = subprocess.Popen(
        [
            office,
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
            "--accept=pipe,name=%s;urp;" % pipe,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            context = resolver.resolve(
                "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe
            )
            break
        except NoConnectException:
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit("LibreOffice did not start")
            time.sleep(0.2)
    desktop = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context
    )
    return process, desktop


def find_record(doc, record):
    """The sheet and row of the record with the id `record`."""
    for index in range(doc.Sheets.Count):
        sheet = doc.Sheets.getByIndex(index)
        header = header_of(sheet)
        if RECORD_COLUMN not in header:
            continue
        column = header.index(RECORD_COLUMN)
        for row in range(1, used_rows(sheet)):
            cell = sheet.getCellByPosition(column, row)
            if cell.getString() == str(record):
                return sheet, header, row
    sys.exit("record %s is not in the file" % record)


def header_of(sheet):
    columns = sheet.getColumns().Count
    names = []
    for column in range(min(columns, 64)):
        names.append(sheet.getCellByPosition(column, 0).getString())
    return names


def used_rows(sheet):
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    return cursor.RangeAddress.EndRow + 1


def date_format(doc, code):
    formats = doc.NumberFormats
    key = formats.queryKey(code, GERMAN, False)
    if key == -1:
        key = formats.addNew(code, GERMAN)
    return key


def apply(doc, edit):
    sheet, header, row = find_record(doc, edit["record"])
    if edit["column"] not in header:
        sys.exit("no column %r in %r" % (edit["column"], header))
    cell = sheet.getCellByPosition(header.index(edit["column"]), row)
    if "text" in edit:
        cell.setString(edit["text"])
    elif "date" in edit:
        day = datetime.date.fromisoformat(edit["date"])
        # Calc's default null date is 30.12.1899
        cell.setValue((day - datetime.date(1899, 12, 30)).days)
        cell.NumberFormat = date_format(doc, edit["format"])
    else:
        sys.exit("an edit needs text or date: %r" % edit)


def main():
    source, target, kind, edits = sys.argv[1:5]
    filter_name, load_options, save_options = FORMATS[kind]
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    pipe = "ozg_%d_%d" % (os.getpid(), time.monotonic_ns())
    process, desktop = start_office(profile, pipe)
    try:
        load = [prop("Hidden", True)]
        if load_options:
            load += [prop("FilterName", filter_name), prop("FilterOptions", load_options)]
        doc = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0, tuple(load)
        )
        if doc is None:
            sys.exit("LibreOffice could not open " + source)
        for edit in json.loads(edits):
            apply(doc, edit)
        save = [prop("FilterName", filter_name), prop("Overwrite", True)]
        if save_options:
            save.append(prop("FilterOptions", save_options))
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)), tuple(save))
        doc.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass  # the office is gone already: the bridge breaks as it exits
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
