"""SMS reminders: segment counting, providers (console, Brevo), the sending window and STOP.

* ``segments``: pure, how many SMS a text costs (GSM-7 or UCS-2).
* ``backends``: the providers behind one small interface, chosen by ``SMS_URL``.
* ``service``: storing an SMS in the outbox, sending what is due, STOP opt-outs.
"""
