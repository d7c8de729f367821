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
    ("help", "قائمة الأوامر"),
)
