from django.db import models


class Platform(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"
    X = "x", "X (Twitter)"
    INSTAGRAM = "instagram", "Instagram"
    SNAPCHAT = "snapchat", "Snapchat"
    TELEGRAM = "telegram", "Telegram"
    WHATSAPP = "whatsapp", "WhatsApp"
    TWITCH = "twitch", "Twitch"
    OTHER = "other", "Other"
