"""What a Factur-X / ZUGFeRD PDF says about itself: the UN/CEFACT CII invoice it embeds.

Factur-X (France) and ZUGFeRD (Germany) are the same format: a PDF/A-3 carrying an XML
invoice as an attached file (``factur-x.xml``, ``zugferd-invoice.xml``...). Only what the
PDF import needs is read: number, type, dates, totals, currency, buyer and the order and
contract references. A PDF without it, or one relance cannot read, simply has none: it is
matched by its file name. The XML is read by defusedxml (no DTD, no entity).
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

# Names the embedded invoice goes by, in Factur-X 1.0, ZUGFeRD 2.x and 1.0, and XRechnung.
XML_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "zugferd_invoice.xml")
XML_MAX_BYTES = 5 * 1024 * 1024
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
TRADE = "rsm:SupplyChainTradeTransaction/"
AGREEMENT = TRADE + "ram:ApplicableHeaderTradeAgreement/"
SETTLEMENT = TRADE + "ram:ApplicableHeaderTradeSettlement/"
DUE_DATE = SETTLEMENT + "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString"
TOTALS = SETTLEMENT + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/"


@dataclass(frozen=True)
class EmbeddedInvoice:
    number: str
    type_code: str  # 380 invoice, 381 credit note...
    issue_date: date | None
    due_date: date | None
    currency: str
    grand_total: Decimal | None  # incl. tax, before what was prepaid
    due_payable: Decimal | None
    buyer: str
    order_reference: str
    contract_reference: str


def _text(root: ET.Element, path: str) -> str:
    found = root.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def _day(text: str) -> date | None:
    """A CII date (format 102: YYYYMMDD)."""
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])) if len(text) == 8 else None
    except ValueError:
        return None


def _amount(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def embedded_xml(pdf: bytes) -> bytes | None:
    """The CII invoice attached to the PDF, if it has one relance can read."""
    from pypdf import PdfReader  # imported here: a PDF-less import never pays for it

    try:
        reader = PdfReader(io.BytesIO(pdf))
        if reader.is_encrypted:
            return None
        attachments = reader.attachments
        for name in attachments:
            if name.lower() in XML_NAMES and attachments[name]:
                data = attachments[name][0]
                return data if len(data) <= XML_MAX_BYTES else None
    except Exception:  # any defect of a PDF from outside means "no embedded invoice"
        return None
    return None


def read_cii(xml: bytes) -> EmbeddedInvoice | None:
    try:
        root = fromstring(xml, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError):
        return None
    if root.tag != f"{{{NS['rsm']}}}CrossIndustryInvoice":
        return None
    number = _text(root, "rsm:ExchangedDocument/ram:ID")
    if not number:
        return None
    return EmbeddedInvoice(
        number=number,
        type_code=_text(root, "rsm:ExchangedDocument/ram:TypeCode"),
        issue_date=_day(_text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")),
        due_date=_day(_text(root, DUE_DATE)),
        currency=_text(root, SETTLEMENT + "ram:InvoiceCurrencyCode"),
        grand_total=_amount(_text(root, TOTALS + "ram:GrandTotalAmount")),
        due_payable=_amount(_text(root, TOTALS + "ram:DuePayableAmount")),
        buyer=_text(root, AGREEMENT + "ram:BuyerTradeParty/ram:Name"),
        order_reference=_text(
            root, AGREEMENT + "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
        ),
        contract_reference=_text(
            root, AGREEMENT + "ram:ContractReferencedDocument/ram:IssuerAssignedID"
        ),
    )  # fmt: skip


def embedded_invoice(pdf: bytes) -> EmbeddedInvoice | None:
    xml = embedded_xml(pdf)
    return read_cii(xml) if xml is not None else None
