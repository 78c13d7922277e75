"""Contains all the data models used in inputs/outputs"""

from .address_in import AddressIn
from .admin_analytics_get_interval import AdminAnalyticsGetInterval
from .admin_analytics_get_metric import AdminAnalyticsGetMetric
from .admin_ledger_get_format_type_0 import AdminLedgerGetFormatType0
from .admin_message_reports_list_state_type_0 import AdminMessageReportsListStateType0
from .admin_orders_get_format_type_0 import AdminOrdersGetFormatType0
from .admin_payment_out import AdminPaymentOut
from .admin_payments_list_status_type_0 import AdminPaymentsListStatusType0
from .admin_payouts_get_format_type_0 import AdminPayoutsGetFormatType0
from .admin_user_out import AdminUserOut
from .admin_user_patch import AdminUserPatch
from .admin_user_patch_roles_type_0_item import AdminUserPatchRolesType0Item
from .admin_users_list_role_type_0 import AdminUsersListRoleType0
from .admin_vendors_list_status_type_0 import AdminVendorsListStatusType0
from .also_bought_item import AlsoBoughtItem
from .also_bought_out import AlsoBoughtOut
from .analytics_bucket_out import AnalyticsBucketOut
from .analytics_out import AnalyticsOut
from .analytics_out_interval import AnalyticsOutInterval
from .analytics_out_metric import AnalyticsOutMetric
from .analytics_out_unit import AnalyticsOutUnit
from .analytics_point_out import AnalyticsPointOut
from .analytics_series_out import AnalyticsSeriesOut
from .api_key_in import ApiKeyIn
from .api_key_in_scopes_item import ApiKeyInScopesItem
from .api_key_out import ApiKeyOut
from .approve_in import ApproveIn
from .attachment import Attachment
from .audit_entry_out import AuditEntryOut
from .audit_entry_out_after_type_0 import AuditEntryOutAfterType0
from .audit_entry_out_before_type_0 import AuditEntryOutBeforeType0
from .band_in import BandIn
from .band_out import BandOut
from .body_auth_token import BodyAuthToken
from .body_products_images_create import BodyProductsImagesCreate
from .bucket_out import BucketOut
from .cart_item_in import CartItemIn
from .cart_item_out import CartItemOut
from .cart_item_out_attributes import CartItemOutAttributes
from .cart_out import CartOut
from .cart_vendor_out import CartVendorOut
from .category_detail import CategoryDetail
from .category_in import CategoryIn
from .category_node import CategoryNode
from .category_out import CategoryOut
from .category_patch import CategoryPatch
from .category_tree import CategoryTree
from .checkout_in import CheckoutIn
from .code_in import CodeIn
from .confirm_in import ConfirmIn
from .connect_account_out import ConnectAccountOut
from .connect_account_out_kyc_status import ConnectAccountOutKycStatus
from .connect_onboarding_out import ConnectOnboardingOut
from .connect_onboarding_out_kyc_status import ConnectOnboardingOutKycStatus
from .conversation_in import ConversationIn
from .conversation_in_about import ConversationInAbout
from .conversation_out import ConversationOut
from .conversation_out_about import ConversationOutAbout
from .conversation_out_your_side import ConversationOutYourSide
from .conversation_page import ConversationPage
from .conversations_list_side_type_0 import ConversationsListSideType0
from .coupon_in import CouponIn
from .coupon_in_funded_by import CouponInFundedBy
from .coupon_in_kind import CouponInKind
from .coupon_out import CouponOut
from .currency_rate import CurrencyRate
from .currency_table import CurrencyTable
from .delivery_out import DeliveryOut
from .device_in import DeviceIn
from .device_in_platform import DeviceInPlatform
from .device_out import DeviceOut
from .display_money import DisplayMoney
from .enrollment_out import EnrollmentOut
from .facet_value import FacetValue
from .facets import Facets
from .feed_item import FeedItem
from .feed_item_data import FeedItemData
from .feed_page import FeedPage
from .figures_out import FiguresOut
from .forgot_in import ForgotIn
from .health import Health
from .health_checks import HealthChecks
from .image import Image
from .image_out import ImageOut
from .invalid_param import InvalidParam
from .ledger_row_out import LedgerRowOut
from .locked_choice import LockedChoice
from .locked_choice_category import LockedChoiceCategory
from .locked_choice_channel import LockedChoiceChannel
from .login_in import LoginIn
from .low_stock_out import LowStockOut
from .message_in import MessageIn
from .message_out import MessageOut
from .message_out_side import MessageOutSide
from .mfa_login_in import MfaLoginIn
from .mfa_required_out import MfaRequiredOut
from .money import Money
from .new_api_key_out import NewApiKeyOut
from .notification_detail import NotificationDetail
from .notification_detail_data import NotificationDetailData
from .opened import Opened
from .order_line_out import OrderLineOut
from .order_money import OrderMoney
from .order_out import OrderOut
from .order_out_status import OrderOutStatus
from .order_row_out import OrderRowOut
from .page_admin_payment_out import PageAdminPaymentOut
from .page_admin_user_out import PageAdminUserOut
from .page_api_key_out import PageApiKeyOut
from .page_audit_entry_out import PageAuditEntryOut
from .page_coupon_out import PageCouponOut
from .page_ledger_row_out import PageLedgerRowOut
from .page_message_out import PageMessageOut
from .page_order_out import PageOrderOut
from .page_order_row_out import PageOrderRowOut
from .page_payout_row_out import PagePayoutRowOut
from .page_report_out import PageReportOut
from .page_return_out import PageReturnOut
from .page_shipping_zone_out import PageShippingZoneOut
from .page_vendor_order_out import PageVendorOrderOut
from .page_vendor_out import PageVendorOut
from .page_vendor_payout_out import PageVendorPayoutOut
from .payment_money import PaymentMoney
from .payment_out import PaymentOut
from .payment_payment_out import PaymentPaymentOut
from .payments_webhooks_stripe_create_response_payments_webhooks_stripe_create import (
    PaymentsWebhooksStripeCreateResponsePaymentsWebhooksStripeCreate,
)
from .payout_row_out import PayoutRowOut
from .phone_in import PhoneIn
from .preferences_in import PreferencesIn
from .preferences_in_preferences import PreferencesInPreferences
from .preferences_in_preferences_additional_property import (
    PreferencesInPreferencesAdditionalProperty,
)
from .preferences_out import PreferencesOut
from .preferences_out_preferences import PreferencesOutPreferences
from .preferences_out_preferences_additional_property import (
    PreferencesOutPreferencesAdditionalProperty,
)
from .problem import Problem
from .product_in import ProductIn
from .product_in_attributes import ProductInAttributes
from .product_out import ProductOut
from .product_out_attributes import ProductOutAttributes
from .product_page import ProductPage
from .product_patch import ProductPatch
from .product_patch_attributes_type_0 import ProductPatchAttributesType0
from .product_summary import ProductSummary
from .profile_patch import ProfilePatch
from .quantity_in import QuantityIn
from .rate_in import RateIn
from .rate_in_kind import RateInKind
from .rate_out import RateOut
from .rating import Rating
from .read_in import ReadIn
from .read_out import ReadOut
from .reauthenticate_in import ReauthenticateIn
from .recovery_codes_out import RecoveryCodesOut
from .refresh_in import RefreshIn
from .refund_in import RefundIn
from .refund_out import RefundOut
from .register_in import RegisterIn
from .reject_in import RejectIn
from .report_in import ReportIn
from .report_out import ReportOut
from .report_out_outcome_type_0 import ReportOutOutcomeType0
from .reset_in import ResetIn
from .resolve_in import ResolveIn
from .resolve_in_outcome import ResolveInOutcome
from .return_in import ReturnIn
from .return_line_in import ReturnLineIn
from .return_line_out import ReturnLineOut
from .return_out import ReturnOut
from .return_out_status import ReturnOutStatus
from .review_in import ReviewIn
from .review_out import ReviewOut
from .review_page import ReviewPage
from .sandbox_onboarding_in import SandboxOnboardingIn
from .sandbox_onboarding_in_outcome import SandboxOnboardingInOutcome
from .search_item import SearchItem
from .search_list_mode import SearchListMode
from .search_list_sort import SearchListSort
from .search_response import SearchResponse
from .search_response_sort import SearchResponseSort
from .ship_in import ShipIn
from .shipping_zone_in import ShippingZoneIn
from .shipping_zone_out import ShippingZoneOut
from .similar_item import SimilarItem
from .similar_out import SimilarOut
from .stock_in import StockIn
from .stock_out import StockOut
from .sub_order_out import SubOrderOut
from .suggestions import Suggestions
from .token_exchange_in import TokenExchangeIn
from .token_exchange_out import TokenExchangeOut
from .tokens_out import TokensOut
from .top_product_out import TopProductOut
from .unread_count import UnreadCount
from .unsubscribed import Unsubscribed
from .unsubscribed_category import UnsubscribedCategory
from .unsubscribed_channel import UnsubscribedChannel
from .uploaded_image_list import UploadedImageList
from .uploaded_image_out import UploadedImageOut
from .uploaded_image_out_content_type import UploadedImageOutContentType
from .uploaded_image_out_state import UploadedImageOutState
from .uploaded_image_out_thumbnails import UploadedImageOutThumbnails
from .user_out import UserOut
from .users_me_export_get_response_users_me_export_get import (
    UsersMeExportGetResponseUsersMeExportGet,
)
from .variant_in import VariantIn
from .variant_in_attributes import VariantInAttributes
from .variant_out import VariantOut
from .variant_out_attributes import VariantOutAttributes
from .variant_patch import VariantPatch
from .variant_patch_attributes_type_0 import VariantPatchAttributesType0
from .vendor_apply import VendorApply
from .vendor_decision import VendorDecision
from .vendor_decision_status import VendorDecisionStatus
from .vendor_order_out import VendorOrderOut
from .vendor_order_out_order_status import VendorOrderOutOrderStatus
from .vendor_orders_list_status_type_0 import VendorOrdersListStatusType0
from .vendor_out import VendorOut
from .vendor_patch import VendorPatch
from .vendor_payout_out import VendorPayoutOut
from .vendor_payout_out_status import VendorPayoutOutStatus
from .vendor_ref import VendorRef
from .vendor_returns_list_status_type_0 import VendorReturnsListStatusType0
from .vendor_stats_out import VendorStatsOut
from .vendor_stats_out_interval import VendorStatsOutInterval
from .vendors_me_products_list_status_type_0 import VendorsMeProductsListStatusType0
from .vendors_me_stats_get_interval import VendorsMeStatsGetInterval
from .verify_email_in import VerifyEmailIn
from .webhook_delivery_out import WebhookDeliveryOut
from .webhook_delivery_out_body import WebhookDeliveryOutBody
from .webhook_delivery_out_status import WebhookDeliveryOutStatus
from .webhook_delivery_page import WebhookDeliveryPage
from .webhook_in import WebhookIn
from .webhook_in_events_item import WebhookInEventsItem
from .webhook_out import WebhookOut
from .webhook_page import WebhookPage
from .webhook_patch import WebhookPatch
from .webhook_patch_events_type_0_item import WebhookPatchEventsType0Item
from .webhook_with_secret import WebhookWithSecret
from .webhooks_deliveries_list_status_type_0 import WebhooksDeliveriesListStatusType0
from .wish_in import WishIn
from .wish_out import WishOut
from .wish_page import WishPage

__all__ = (
    "AddressIn",
    "AdminAnalyticsGetInterval",
    "AdminAnalyticsGetMetric",
    "AdminLedgerGetFormatType0",
    "AdminMessageReportsListStateType0",
    "AdminOrdersGetFormatType0",
    "AdminPaymentOut",
    "AdminPaymentsListStatusType0",
    "AdminPayoutsGetFormatType0",
    "AdminUserOut",
    "AdminUserPatch",
    "AdminUserPatchRolesType0Item",
    "AdminUsersListRoleType0",
    "AdminVendorsListStatusType0",
    "AlsoBoughtItem",
    "AlsoBoughtOut",
    "AnalyticsBucketOut",
    "AnalyticsOut",
    "AnalyticsOutInterval",
    "AnalyticsOutMetric",
    "AnalyticsOutUnit",
    "AnalyticsPointOut",
    "AnalyticsSeriesOut",
    "ApiKeyIn",
    "ApiKeyInScopesItem",
    "ApiKeyOut",
    "ApproveIn",
    "Attachment",
    "AuditEntryOut",
    "AuditEntryOutAfterType0",
    "AuditEntryOutBeforeType0",
    "BandIn",
    "BandOut",
    "BodyAuthToken",
    "BodyProductsImagesCreate",
    "BucketOut",
    "CartItemIn",
    "CartItemOut",
    "CartItemOutAttributes",
    "CartOut",
    "CartVendorOut",
    "CategoryDetail",
    "CategoryIn",
    "CategoryNode",
    "CategoryOut",
    "CategoryPatch",
    "CategoryTree",
    "CheckoutIn",
    "CodeIn",
    "ConfirmIn",
    "ConnectAccountOut",
    "ConnectAccountOutKycStatus",
    "ConnectOnboardingOut",
    "ConnectOnboardingOutKycStatus",
    "ConversationIn",
    "ConversationInAbout",
    "ConversationOut",
    "ConversationOutAbout",
    "ConversationOutYourSide",
    "ConversationPage",
    "ConversationsListSideType0",
    "CouponIn",
    "CouponInFundedBy",
    "CouponInKind",
    "CouponOut",
    "CurrencyRate",
    "CurrencyTable",
    "DeliveryOut",
    "DeviceIn",
    "DeviceInPlatform",
    "DeviceOut",
    "DisplayMoney",
    "EnrollmentOut",
    "Facets",
    "FacetValue",
    "FeedItem",
    "FeedItemData",
    "FeedPage",
    "FiguresOut",
    "ForgotIn",
    "Health",
    "HealthChecks",
    "Image",
    "ImageOut",
    "InvalidParam",
    "LedgerRowOut",
    "LockedChoice",
    "LockedChoiceCategory",
    "LockedChoiceChannel",
    "LoginIn",
    "LowStockOut",
    "MessageIn",
    "MessageOut",
    "MessageOutSide",
    "MfaLoginIn",
    "MfaRequiredOut",
    "Money",
    "NewApiKeyOut",
    "NotificationDetail",
    "NotificationDetailData",
    "Opened",
    "OrderLineOut",
    "OrderMoney",
    "OrderOut",
    "OrderOutStatus",
    "OrderRowOut",
    "PageAdminPaymentOut",
    "PageAdminUserOut",
    "PageApiKeyOut",
    "PageAuditEntryOut",
    "PageCouponOut",
    "PageLedgerRowOut",
    "PageMessageOut",
    "PageOrderOut",
    "PageOrderRowOut",
    "PagePayoutRowOut",
    "PageReportOut",
    "PageReturnOut",
    "PageShippingZoneOut",
    "PageVendorOrderOut",
    "PageVendorOut",
    "PageVendorPayoutOut",
    "PaymentMoney",
    "PaymentOut",
    "PaymentPaymentOut",
    "PaymentsWebhooksStripeCreateResponsePaymentsWebhooksStripeCreate",
    "PayoutRowOut",
    "PhoneIn",
    "PreferencesIn",
    "PreferencesInPreferences",
    "PreferencesInPreferencesAdditionalProperty",
    "PreferencesOut",
    "PreferencesOutPreferences",
    "PreferencesOutPreferencesAdditionalProperty",
    "Problem",
    "ProductIn",
    "ProductInAttributes",
    "ProductOut",
    "ProductOutAttributes",
    "ProductPage",
    "ProductPatch",
    "ProductPatchAttributesType0",
    "ProductSummary",
    "ProfilePatch",
    "QuantityIn",
    "RateIn",
    "RateInKind",
    "RateOut",
    "Rating",
    "ReadIn",
    "ReadOut",
    "ReauthenticateIn",
    "RecoveryCodesOut",
    "RefreshIn",
    "RefundIn",
    "RefundOut",
    "RegisterIn",
    "RejectIn",
    "ReportIn",
    "ReportOut",
    "ReportOutOutcomeType0",
    "ResetIn",
    "ResolveIn",
    "ResolveInOutcome",
    "ReturnIn",
    "ReturnLineIn",
    "ReturnLineOut",
    "ReturnOut",
    "ReturnOutStatus",
    "ReviewIn",
    "ReviewOut",
    "ReviewPage",
    "SandboxOnboardingIn",
    "SandboxOnboardingInOutcome",
    "SearchItem",
    "SearchListMode",
    "SearchListSort",
    "SearchResponse",
    "SearchResponseSort",
    "ShipIn",
    "ShippingZoneIn",
    "ShippingZoneOut",
    "SimilarItem",
    "SimilarOut",
    "StockIn",
    "StockOut",
    "SubOrderOut",
    "Suggestions",
    "TokenExchangeIn",
    "TokenExchangeOut",
    "TokensOut",
    "TopProductOut",
    "UnreadCount",
    "Unsubscribed",
    "UnsubscribedCategory",
    "UnsubscribedChannel",
    "UploadedImageList",
    "UploadedImageOut",
    "UploadedImageOutContentType",
    "UploadedImageOutState",
    "UploadedImageOutThumbnails",
    "UserOut",
    "UsersMeExportGetResponseUsersMeExportGet",
    "VariantIn",
    "VariantInAttributes",
    "VariantOut",
    "VariantOutAttributes",
    "VariantPatch",
    "VariantPatchAttributesType0",
    "VendorApply",
    "VendorDecision",
    "VendorDecisionStatus",
    "VendorOrderOut",
    "VendorOrderOutOrderStatus",
    "VendorOrdersListStatusType0",
    "VendorOut",
    "VendorPatch",
    "VendorPayoutOut",
    "VendorPayoutOutStatus",
    "VendorRef",
    "VendorReturnsListStatusType0",
    "VendorsMeProductsListStatusType0",
    "VendorsMeStatsGetInterval",
    "VendorStatsOut",
    "VendorStatsOutInterval",
    "VerifyEmailIn",
    "WebhookDeliveryOut",
    "WebhookDeliveryOutBody",
    "WebhookDeliveryOutStatus",
    "WebhookDeliveryPage",
    "WebhookIn",
    "WebhookInEventsItem",
    "WebhookOut",
    "WebhookPage",
    "WebhookPatch",
    "WebhookPatchEventsType0Item",
    "WebhooksDeliveriesListStatusType0",
    "WebhookWithSecret",
    "WishIn",
    "WishOut",
    "WishPage",
)
