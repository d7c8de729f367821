"""What the bot says in its own words (article text is never here)."""

from __future__ import annotations

BOT_NAME = "موجز"
START = (
    "<b>موجز</b> يقدّم لك خلاصات الأخبار: الخلاصة، والأقسام، وما يقوله المقال عن كل دولة أو موضوع."
)
CURRENT_ARTICLE = "المقال الحالي: <b>{title}</b>"
NO_ARTICLES = "لا توجد مقالات بعد. أضف ملف مقال إلى مجلد المقالات ثم أعد المحاولة."
HELP_TITLE = "<b>الأوامر</b>"
HELP_TOPICS = "<b>المواضيع</b> (أمر لكل موضوع):"
HELP_TOPICS_HINT = "اكتب أمر الموضوع، مثل /iran، لترى ما يقوله المقال عنه."
LEAD_HEADING = "المقدمة"
SECTIONS_TITLE = "<b>أقسام المقال</b> — {title}"
SECTION_POSITION = "القسم {number} من {count}"
SUMMARY_LABEL = "الخلاصة"
TOPICS_TITLE = "<b>المواضيع في المقال</b> — {title}"
NO_TOPICS = "لا يذكر هذا المقال أيًّا من المواضيع المعروفة."
TOPIC_TITLE = "<b>{label}</b> — {title}"
TOPIC_BULLETS = "<b>من الخلاصة</b>"
TOPIC_MENU = "ما يقوله المقال عن {label}"
TOPIC_ABSENT = "لا يذكر المقال «{title}» {label}."
TOPIC_PRESENT_LIST = "المواضيع التي يذكرها: {commands}"
SEARCH_USAGE = "اكتب كلمات البحث بعد الأمر، مثل: /search العقوبات الغربية"
SEARCH_TITLE = "<b>نتائج البحث عن</b> «{query}»"
SEARCH_NONE = "لم أجد «{query}» في المقالات. جرّب كلمة أخرى، أو أحد المواضيع: {commands}"
UNKNOWN_COMMAND = "لا أعرف هذا الأمر. اكتب /help لترى الأوامر."
STALE_BUTTON = "هذا الزر قديم: تغيّر المقال منذ ظهوره. اكتب /start من جديد."
ERROR = "عذرًا، حدث خطأ أثناء تنفيذ طلبك. سُجّل الخطأ وسنصلحه."

BUTTON_SUMMARY = "📝 الخلاصة"
BUTTON_SECTIONS = "📑 الأقسام"
BUTTON_TOPICS = "🌍 المواضيع"
BUTTON_PREVIOUS = "▶ السابق"
BUTTON_NEXT = "التالي ◀"
BUTTON_BACK_TO_SECTIONS = "↩ الأقسام"

# Command menu and /help: (command, description), in the order shown.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "ما هو موجز، والمقال الحالي"),
    ("summary", "خلاصة المقال"),
    ("sections", "أقسام المقال"),
    ("topics", "المواضيع التي يذكرها المقال"),
    ("search", "ابحث في المقالات: /search كلمات"),
    ("subscribe", "اشترك في المقالات الجديدة، أو في موضوع: /subscribe iran"),
    ("unsubscribe", "ألغِ الاشتراك، أو اشتراك موضوع: /unsubscribe iran"),
    ("subscriptions", "اشتراكاتك"),
    ("digest", "موجز يومي في وقت تختاره: /digest 08:00 أو off"),
    ("timezone", "منطقتك الزمنية: /timezone Asia/Riyadh"),
    ("channels", "قنواتك التي أنشر فيها وإعداداتها"),
    ("help", "قائمة الأوامر"),
)
# Only the administrators in ADMIN_IDS see and can use these.
ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("stats", "إحصاءات المحادثات والاشتراكات والرسائل"),
    ("broadcast", "بث آخر موجز إلى كل المشتركين"),
)

NEW_ARTICLE = "🆕 <b>مقال جديد</b>"
NEW_ARTICLE_TOPICS = "يذكر: {labels}"
DIGEST_TITLE = "🗞 <b>موجز اليوم</b> — {count} مقال"

# Subscriptions and digests
SUBSCRIBED_ALL = "✅ اشتركت في كل مقال جديد. سأرسله إليك فور وصوله."
SUBSCRIBED_TOPIC = "✅ اشتركت في {label}: سأرسل لك كل مقال جديد يذكره."
ALREADY_SUBSCRIBED = "أنت مشترك في ذلك من قبل. /subscriptions لقائمة اشتراكاتك."
UNKNOWN_TOPIC = "لا أعرف الموضوع «{topic}». المواضيع: {commands}"
UNSUBSCRIBED_ALL = "تم إلغاء كل اشتراكاتك ({count})."
UNSUBSCRIBED_TOPIC = "تم إلغاء اشتراكك في {label}."
NOT_SUBSCRIBED = "لست مشتركًا في ذلك. /subscriptions لقائمة اشتراكاتك."
SUBSCRIPTIONS_TITLE = "<b>اشتراكاتك</b> (اضغط لإلغاء أي منها):"
SUBSCRIPTIONS_NONE = (
    "لا اشتراكات بعد. اكتب /subscribe لكل المقالات، أو /subscribe iran لموضوع واحد."
)
SUBSCRIPTION_ALL_LABEL = "كل المقالات"
DIGEST_SET = "🗞 سيصلك موجز يومي الساعة {time} ({zone}) بالمقالات التي وصلت منذ الموجز السابق."
DIGEST_OFF = "أوقفت الموجز اليومي."
DIGEST_USAGE = "اكتب الوقت بصيغة HH:MM، مثل: /digest 08:30 — أو /digest off لإيقافه."
TIMEZONE_SET = "🕰 المنطقة الزمنية الآن: {zone}."
TIMEZONE_USAGE = "اكتب المنطقة بصيغة Area/City، مثل: /timezone Asia/Riyadh"
TIMEZONE_UNKNOWN = "لا أعرف المنطقة الزمنية «{zone}». اكتبها بصيغة Area/City، مثل Africa/Cairo."
GROUP_ADMINS_ONLY = "عذرًا، يغيّر إعدادات المجموعة مشرفوها فقط."

# Channels
CHANNEL_ADDED = "📣 أضفتني إلى القناة <b>{title}</b> ويمكنني النشر فيها. إعداداتها:"
CHANNEL_PAUSED = (
    "⏸ توقفت عن النشر في القناة <b>{title}</b>: {reason}."
    " أعد إضافتي مشرفًا بصلاحية النشر لاستئنافه."
)
CHANNEL_REASON_REMOVED = "أُزلت منها"
CHANNEL_REASON_NO_RIGHTS = "لم تعد لدي صلاحية النشر"
CHANNEL_SETTINGS = "<b>{title}</b>\nنشر المقالات الجديدة: {post}\nالموجز اليومي: {digest}"
CHANNEL_PREVIEW = "<b>معاينة المنشور التالي:</b>"
CHANNELS_TITLE = "<b>قنواتك</b>"
CHANNELS_NONE = "لا توجد قناة تديرها وأنا فيها. أضفني إلى قناتك مشرفًا بصلاحية النشر: {link}"
CHANNEL_ADMINS_ONLY = "يغيّر إعدادات القناة مشرفوها فقط."
ON = "تشغيل"
OFF = "إيقاف"
BUTTON_CHANNEL_POST = "📰 نشر الجديد: {state}"
BUTTON_CHANNEL_DIGEST = "🗞 الموجز: {state}"
ADD_TO_CHANNEL = "📣 أضف موجز إلى قناتك: {link}"

# Administration
STATS_TITLE = "<b>إحصاءات</b>"
STATS_CHATS = "المحادثات ({kind}): {active} نشطة، {inactive} متوقفة"
STATS_SUBSCRIPTIONS = "الاشتراكات النشطة: {count}"
STATS_DELIVERIES = "الرسائل: {states}"
STATS_ERRORS = "<b>آخر الأخطاء</b>"
BROADCAST_PREVIEW = "<b>معاينة البث</b> — سيصل إلى كل المحادثات المشتركة النشطة ({count}):"
BUTTON_BROADCAST = "📢 أرسل"
BUTTON_CANCEL = "إلغاء"
BROADCAST_QUEUED = "📢 وُضعت {count} رسالة في الطابور."
BROADCAST_CANCELLED = "أُلغي البث."
INGESTED = "✅ {slug}: {outcome}."
INGEST_REJECTED = "❌ رفضت الملف: {error}"
INGEST_TOO_LARGE = "❌ الملف أكبر من الحد ({limit} بايت)."
