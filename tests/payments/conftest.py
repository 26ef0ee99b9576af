import pytest

from tests.payments.helpers import debtor_with_two_invoices, pay_online, portal_path, stripe_account


@pytest.fixture
def debtor(organisation, actor):
    """A customer owing F-1 (100.00, due first) and F-2 (23.45)."""
    return debtor_with_two_invoices(organisation, actor)


@pytest.fixture
def stripe_checkout(client, debtor, actor, settings, payment_provider):
    """A Stripe checkout opened from the debtor's portal for all they owe (123.45)."""
    account = stripe_account(debtor.organisation, actor, settings, payment_provider)
    online, _location = pay_online(client, portal_path(debtor, actor))
    return account, online
