"""QAD Enterprise Edition over QXtend Inbound (SOAP 1.1 QDocs), behind the same QAD resources.

Build a client with :meth:`qad_client.QADClient.qxtend` and a :class:`QXtendConnection`; every
resource a flow uses (suppliers, GL accounts and the other master data, purchase orders,
receipts, supplier invoices) then travels as QDocs instead of REST calls. Every QXtend name
the transport speaks is in ``qad_client.qxtend._names``, each marked confirmed or guessed.
"""

from qad_client.qxtend._connection import QXtendConnection, endpoint_url
from qad_client.qxtend._envelope import QDocReply, SOAPOperation
from qad_client.qxtend._transport import QXtendTransport
from qad_client.qxtend._xml import UnsafeXML

__all__ = [
    "QDocReply",
    "QXtendConnection",
    "QXtendTransport",
    "SOAPOperation",
    "UnsafeXML",
    "endpoint_url",
]
